using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Dense fp32 matmul throughput through TorchSharp: the roof the other figures are compared with.
/// FLOPs of an n×n by n×n product: 2·n³.
/// </summary>
internal sealed class PeakSuite : IBenchmarkSuite
{
    public const string PeakFigure = "matmul fp32 peak";

    public string Name => "peak";

    public string Description => "dense fp32 matmul GFLOP/s (2·n³ FLOPs per n×n product)";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var figures = new List<BenchmarkFigure>();
        double best = 0;
        foreach (int n in new[] { 256, 512, 1024, 2048 })
        {
            double gflops = Measure(n);
            best = Math.Max(best, gflops);
            figures.Add(new BenchmarkFigure($"matmul fp32 n={n}", gflops, "GFLOP/s", $"{torch.get_num_threads()} threads"));
        }
        figures.Add(new BenchmarkFigure(PeakFigure, best, "GFLOP/s", "best of the sizes above"));
        return figures;
    }

    /// <summary>GFLOP/s of n×n by n×n fp32 products.</summary>
    public static double Measure(int n)
    {
        using var scope = NewDisposeScope();
        manual_seed(0);
        var a = randn(n, n);
        var b = randn(n, n);
        for (int i = 0; i < 3; i++)
        {
            a.matmul(b).Dispose();
        }
        // Enough repetitions for about half a second at 50 GFLOP/s, at least 5.
        int repetitions = Math.Max(5, (int)(25e9 / (2.0 * n * n * n)));
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < repetitions; i++)
        {
            a.matmul(b).Dispose();
        }
        watch.Stop();
        return 2.0 * n * n * n * repetitions / watch.Elapsed.TotalSeconds / 1e9;
    }
}
