using System.Security.Cryptography;
using System.Xml.Linq;
using LlmCfsr.Build;
using Xunit.Abstractions;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// The tool as a user gets it: this platform's package under the public gallery's size limit, carrying only this
/// platform's native files and TorchSharp's native library as released; installed with <c>dotnet tool install</c>,
/// it fixes that library on the host at its first run and calls itself <c>llmcfsr</c>.
/// </summary>
[Collection(RepositoryPackingCollection.Name)]
public sealed class ToolPackageTests(ToolPackage tool, ITestOutputHelper output) : IClassFixture<ToolPackage>
{
    /// <summary>The public gallery's limit for one package.</summary>
    private const long MaxPackageBytes = 250L * 1000 * 1000;

    /// <summary>The installed tool: its files plus the two copies of its package the SDK keeps (about 1 GB on linux-x64).</summary>
    private const long MaxInstalledBytes = 1200L * 1000 * 1000;

    [Fact]
    public void ThePlatformPackageStaysUnderTheGalleryLimitWithOnlyItsPlatformsNativeFilesAsReleased()
    {
        long bytes = new FileInfo(tool.PlatformPackagePath).Length;
        output.WriteLine($"LlmCfsr.Cli.{ToolPackage.HostRuntimeIdentifier}: {bytes / 1e6:F1} MB, packed in {tool.PackTime:m\\:ss} (pointer + platform package).");
        Assert.True(bytes <= MaxPackageBytes, $"LlmCfsr.Cli.{ToolPackage.HostRuntimeIdentifier} is {bytes / 1e6:F1} MB (limit {MaxPackageBytes / 1e6:F0} MB; packed in {tool.PackTime}).");
        Assert.True(new FileInfo(tool.PointerPackagePath).Length < 100_000, "The pointer package LlmCfsr.Cli holds more than its settings.");

        var entries = NuGetPackage.Entries(tool.PlatformPackagePath);
        string root = $"tools/net10.0/{ToolPackage.HostRuntimeIdentifier}/";
        Assert.Contains(root + "LlmCfsr.Cli.dll", entries);
        Assert.Contains(root + "DotnetToolSettings.xml", entries);
        // A RID-specific publish flattens this platform's native files into the tool's folder: no runtimes/ tree,
        // no other platform's libraries, no libtorch Python binding.
        Assert.DoesNotContain(entries, e => e.Contains("/runtimes/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.StartsWith("tools/", StringComparison.Ordinal) && !e.StartsWith(root, StringComparison.Ordinal));
        Assert.DoesNotContain(entries, e => e.Contains("torch_python", StringComparison.Ordinal));

        var settings = XElement.Parse(UnzipText(tool.PointerPackagePath, "tools/any/any/DotnetToolSettings.xml"));
        Assert.Equal("llmcfsr", (string?)settings.Descendants("Command").Single().Attribute("Name"));
        Assert.Equal([$"LlmCfsr.Cli.{ToolPackage.HostRuntimeIdentifier}"], settings.Descendants("RuntimeIdentifierPackage").Select(p => (string)p.Attribute("Id")!));

        if (OperatingSystem.IsLinux())
        {
            // The fix happens on the host that runs the tool, never at pack time: the package holds the library as released.
            string library = Path.Combine(tool.Root, "packed-" + GlibcxxRequirement.TorchSharpLibrary);
            NuGetPackage.Extract(tool.PlatformPackagePath, root + GlibcxxRequirement.TorchSharpLibrary, library);
            Assert.Equal(GlibcxxRequirement.RequirementState.Strong, GlibcxxRequirement.Inspect(library, GlibcxxRequirement.Version));
        }

        NuGetPackage.AssertUniformMetadata(tool.PointerPackagePath, tool.Repository);
        NuGetPackage.AssertUniformMetadata(tool.PlatformPackagePath, tool.Repository);
        Assert.True(File.Exists(Path.ChangeExtension(tool.PlatformPackagePath, ".snupkg")), "The platform package has no symbol package.");
    }

    [Fact]
    public void TheInstalledToolFixesTheNativeLibraryAtItsFirstRunAndCallsItselfLlmcfsr()
    {
        string toolPath = Path.Combine(tool.Root, "tool");
        tool.Command.Run(tool.Root, DotnetCommand.Dotnet, "tool", "install", "LlmCfsr.Cli", "--version", tool.Version,
            "--tool-path", toolPath, "--configfile", tool.ConfigFile).Succeeded();
        string llmcfsr = Path.Combine(toolPath, OperatingSystem.IsWindows() ? "llmcfsr.exe" : "llmcfsr");

        string? library = OperatingSystem.IsLinux()
            ? Directory.GetFiles(Path.Combine(toolPath, ".store"), GlibcxxRequirement.TorchSharpLibrary, SearchOption.AllDirectories).Single()
            : null;
        string? before = library is null ? null : Sha256(library);
        if (library is not null)
        {
            Assert.Equal(GlibcxxRequirement.RequirementState.Strong, GlibcxxRequirement.Inspect(library, GlibcxxRequirement.Version));
        }

        // The first run, whatever its command, applies the fix; doctor then reports it.
        var help = tool.Command.Run(tool.Root, llmcfsr, "--help").Succeeded();
        Assert.Matches(@"Usage:\s+llmcfsr \[command\]", help.Output);
        var doctor = tool.Command.Run(tool.Root, llmcfsr, "doctor").Succeeded();
        Assert.Matches(@"TorchSharp:\s+0\.107\.", doctor.Output);

        if (library is not null)
        {
            string? host = GlibcxxRequirement.FindHostLibStdCxx();
            bool needed = host is not null && !GlibcxxRequirement.Defines(host, GlibcxxRequirement.Version);
            if (needed)
            {
                Assert.Contains($"needed (host lacks {GlibcxxRequirement.Version}); applied to {library}", doctor.Output);
                Assert.NotEqual(before, Sha256(library));
                Assert.Equal(GlibcxxRequirement.RequirementState.Weak, GlibcxxRequirement.Inspect(library, GlibcxxRequirement.Version));
            }
            else
            {
                Assert.Contains("not needed; library left as shipped", doctor.Output);
                Assert.Equal(before, Sha256(library));
            }
        }

        long bytes = Directory.GetFiles(toolPath, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        output.WriteLine($"Installed tool: {bytes / 1e6:F0} MB.");
        Assert.True(bytes <= MaxInstalledBytes, $"The installed tool takes {bytes / 1e6:F0} MB (limit {MaxInstalledBytes / 1e6:F0} MB).");
    }

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    private static string UnzipText(string package, string entry)
    {
        string file = Path.GetTempFileName();
        try
        {
            NuGetPackage.Extract(package, entry, file);
            return File.ReadAllText(file);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
