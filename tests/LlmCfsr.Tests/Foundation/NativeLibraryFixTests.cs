using LlmCfsr.Build;
using LlmCfsr.Runtime;

namespace LlmCfsr.Tests.Foundation;

public class NativeLibraryFixTests
{
    [Fact]
    public void OutputFolderLibraryIsLoadableOnThisHost()
    {
        var report = NativeLibraryFixReport.Inspect(AppContext.BaseDirectory);
        Assert.NotNull(report.Library);
        if (report.Needed)
        {
            Assert.True(report.Applied, $"{report.Library} still requires {NativeLibraryFixReport.Version} strongly.");
        }
    }

    [Fact]
    public void MakeWeakFlipsOnlyTheFlagAndIsIdempotent()
    {
        var shipped = ShippedLibrary();
        Assert.Equal(GlibcxxRequirement.RequirementState.Strong, GlibcxxRequirement.Inspect(shipped, GlibcxxRequirement.Version));

        var directory = Directory.CreateTempSubdirectory("llmcfsr-elf-");
        try
        {
            var copy = Path.Combine(directory.FullName, GlibcxxRequirement.TorchSharpLibrary);
            File.Copy(shipped, copy);

            Assert.True(GlibcxxRequirement.MakeWeak(copy, GlibcxxRequirement.Version));
            Assert.Equal(GlibcxxRequirement.RequirementState.Weak, GlibcxxRequirement.Inspect(copy, GlibcxxRequirement.Version));
            Assert.False(GlibcxxRequirement.MakeWeak(copy, GlibcxxRequirement.Version));

            var before = File.ReadAllBytes(shipped);
            var after = File.ReadAllBytes(copy);
            Assert.Equal(before.Length, after.Length);
            var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
            Assert.Single(changed);
            Assert.Equal(0x2, after[changed[0]] ^ before[changed[0]]);

            // The source stays as shipped.
            Assert.Equal(GlibcxxRequirement.RequirementState.Strong, GlibcxxRequirement.Inspect(shipped, GlibcxxRequirement.Version));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public void ReadsVersionDefinitionsOfTheHostLibStdCxx()
    {
        var host = GlibcxxRequirement.FindHostLibStdCxx();
        Assert.NotNull(host);
        // Every libstdc++ since GCC 3.4 defines the base version node.
        Assert.True(GlibcxxRequirement.Defines(host!, "GLIBCXX_3.4"));
        Assert.False(GlibcxxRequirement.Defines(host!, "GLIBCXX_99.0"));
    }

    [Fact]
    public void RejectsFilesThatAreNotElf()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "not an elf file, just text that is long enough to have a header's worth of bytes in it....");
            var error = Assert.Throws<InvalidDataException>(() => GlibcxxRequirement.Inspect(file, GlibcxxRequirement.Version));
            Assert.Contains(file, error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The unpatched library in the NuGet package folder (read only).</summary>
    private static string ShippedLibrary()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(TorchSharp.torch).Assembly.GetName().Version!;
        var path = Path.Combine(packages, "torchsharp", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", "linux-x64", "native", GlibcxxRequirement.TorchSharpLibrary);
        Assert.True(File.Exists(path), $"TorchSharp's native library was not found in the package folder: {path}");
        return path;
    }
}
