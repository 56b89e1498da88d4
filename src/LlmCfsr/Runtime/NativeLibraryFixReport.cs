using LlmCfsr.Build;

namespace LlmCfsr.Runtime;

/// <summary>
/// Whether this host needs TorchSharp's GLIBCXX_3.4.32 requirement weakened (its libstdc++ lacks the version)
/// and whether the libLibTorchSharp.so next to the application has it weakened.
/// </summary>
/// <param name="HostLibStdCxx">The libstdc++ this process uses, or null when none was found (non-Linux).</param>
/// <param name="Needed">True when the host's libstdc++ lacks GLIBCXX_3.4.32.</param>
/// <param name="Library">The libLibTorchSharp.so found in the application folder, or null.</param>
/// <param name="Applied">True when that library's requirement is weak (or absent).</param>
public sealed record NativeLibraryFixReport(string? HostLibStdCxx, bool Needed, string? Library, bool Applied)
{
    /// <summary>The version the fix is about.</summary>
    public static string Version => GlibcxxRequirement.Version;

    /// <summary>Inspects the host and the application folder <paramref name="applicationDirectory"/>.</summary>
    public static NativeLibraryFixReport Inspect(string applicationDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new NativeLibraryFixReport(null, false, null, false);
        }
        var host = GlibcxxRequirement.FindHostLibStdCxx();
        bool needed = host is not null && !GlibcxxRequirement.Defines(host, GlibcxxRequirement.Version);
        var library = FindLibrary(applicationDirectory);
        bool applied = library is not null
            && GlibcxxRequirement.Inspect(library, GlibcxxRequirement.Version) != GlibcxxRequirement.RequirementState.Strong;
        return new NativeLibraryFixReport(host, needed, library, applied);
    }

    private static string? FindLibrary(string directory)
    {
        var candidates = new[]
        {
            Path.Combine(directory, GlibcxxRequirement.TorchSharpLibrary),
            Path.Combine(directory, "runtimes", "linux-x64", "native", GlibcxxRequirement.TorchSharpLibrary),
            Path.Combine(directory, "runtimes", "linux-arm64", "native", GlibcxxRequirement.TorchSharpLibrary),
        };
        return candidates.FirstOrDefault(File.Exists);
    }
}
