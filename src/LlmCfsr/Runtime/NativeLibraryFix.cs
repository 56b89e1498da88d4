using LlmCfsr.Build;

namespace LlmCfsr.Runtime;

/// <summary>
/// Applies the TorchSharp native-library fix at run time, for applications whose native files were not copied
/// by a build on the host that runs them: the installed <c>llmcfsr</c> tool (its package holds the library as
/// shipped) or an application published on another machine. On a Linux host whose libstdc++ lacks
/// GLIBCXX_3.4.32 it marks that one requirement of the libLibTorchSharp.so beside the application weak, once;
/// elsewhere it changes nothing. Call it before the first tensor.
/// </summary>
public static class NativeLibraryFix
{
    /// <summary>
    /// Applies the fix in <paramref name="applicationDirectory"/> when this host needs it, and reports the result.
    /// </summary>
    /// <exception cref="IOException">The library could not be rewritten.</exception>
    /// <exception cref="UnauthorizedAccessException">The application folder is not writable by this user.</exception>
    public static NativeLibraryFixReport Apply(string applicationDirectory)
    {
        var report = NativeLibraryFixReport.Inspect(applicationDirectory);
        if (!report.Needed || report.Applied || report.Library is null)
        {
            return report;
        }
        GlibcxxRequirement.MakeWeak(report.Library, GlibcxxRequirement.Version);
        return report with { Applied = true };
    }
}
