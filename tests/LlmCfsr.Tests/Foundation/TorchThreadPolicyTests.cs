using LlmCfsr.Runtime;
using TorchSharp;

namespace LlmCfsr.Tests.Foundation;

public class TorchThreadPolicyTests
{
    [Fact]
    public void ARequestedCountWinsAndANegativeOneIsRejected()
    {
        Assert.Equal((3, "requested"), TorchThreadPolicy.Resolve(3));
        var error = Assert.Throws<ArgumentException>(() => TorchThreadPolicy.Resolve(-1));
        Assert.Contains("Threads must be 0 (automatic) or positive (got -1)", error.Message);
    }

    [Fact]
    public void UseSetsTheCountAndRestoresThePreviousOne()
    {
        int previous = torch.get_num_threads();
        int other = previous == 1 ? 2 : 1;
        using (TorchThreadPolicy.Use(other))
        {
            Assert.Equal(other, torch.get_num_threads());
        }
        Assert.Equal(previous, torch.get_num_threads());
    }

    /// <summary>
    /// The CLI, in a fresh process, sets the passive wait policy and the count before libtorch loads: libgomp itself
    /// (OMP_DISPLAY_ENV) must report them, since .NET's environment does not reach native code on Unix.
    /// </summary>
    [Theory]
    [InlineData(null, null, "automatic")]
    [InlineData("1", null, "LLMCFSR_THREADS")]
    [InlineData("3", "1", "requested")]
    public async Task TheCliPreparesLibgompBeforeLibtorchLoads(string? variable, string? option, string source)
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // libgomp is libtorch's OpenMP runtime on Linux only.
        }
        string[] arguments = option is null ? ["doctor"] : ["doctor", "--threads", option];
        var environment = new Dictionary<string, string?>
        {
            ["OMP_NUM_THREADS"] = null, ["OMP_WAIT_POLICY"] = null, ["GOMP_SPINCOUNT"] = null,
            [TorchThreadPolicy.EnvironmentVariable] = variable, ["OMP_DISPLAY_ENV"] = "TRUE",
        };
        var (exit, output, error) = await FreshCliProcess.RunAsync(arguments, environment);

        Assert.True(exit == 0, error);
        Assert.Contains("OpenMP wait:  PASSIVE (set before libtorch loaded)", output);
        Assert.Contains("OMP_WAIT_POLICY = 'PASSIVE'", error);
        if ((option ?? variable) is null)
        {
            // Automatic leaves libtorch's own count (its cores), whatever this machine has.
            Assert.Matches(@"Threads:\s+[1-9]\d* \(automatic\)", output);
        }
        else
        {
            Assert.Contains($"Threads:      1 ({source})", output);
            Assert.Contains("OMP_NUM_THREADS = '1'", error);
        }
    }
}
