using System.Diagnostics;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// A competing CPU-bound process for the <c>threads</c> suite: one thread of floating-point work that stops by
/// itself after a bounded time (the suite also ends it as soon as its cells are measured).
/// </summary>
internal static class CpuBurner
{
    public const string Command = "burn-cpu";

    /// <summary>Longest a burner runs, whatever happens to the suite that started it.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);

    public static int Run()
    {
        var clock = Stopwatch.StartNew();
        double x = 1;
        while (clock.Elapsed < Limit)
        {
            for (int i = 0; i < 1_000_000; i++)
            {
                x = x * 1.000000001 + 1e-9;
            }
        }
        return x > 0 ? 0 : 1;
    }
}
