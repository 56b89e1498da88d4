using System.Globalization;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// A built clone stays small: applications copy only the host's native files and hard-link package files into
/// their output folders, so libtorch is stored once, not once per test project (16 GB before issue 16). Run after
/// the solution build (as CI runs the suite), this measures the whole clone.
/// </summary>
public sealed class CloneSizeTests
{
    private const long MaxCloneBytes = 4L * 1024 * 1024 * 1024;

    [UnixFact]
    public void ABuiltCloneTakesAtMostFourGigabytesCountingHardLinksOnce()
    {
        // du counts the blocks a file uses once however many of its hard links it meets, as the disk does.
        string clone = BuildInfo.RepositoryRoot.TrimEnd('/');
        var du = new DotnetCommand(ToolPackage.MachinePackages).Run(clone, "du", "-s", "-k", clone);
        // Exit code 1 only means a file vanished while du walked (another test's scratch file): the sum is still right.
        Assert.True(du.ExitCode is 0 or 1, $"'{du.Command}' exited with {du.ExitCode}:\n{du.Output}");
        var line = du.Output.Split('\n').Single(l => l.EndsWith("\t" + clone, StringComparison.Ordinal));
        long bytes = long.Parse(line.Split('\t')[0], CultureInfo.InvariantCulture) * 1024;
        Assert.True(bytes <= MaxCloneBytes, $"The built clone takes {bytes / 1073741824.0:F2} GiB (limit {MaxCloneBytes / 1073741824} GiB): {clone}");
    }
}
