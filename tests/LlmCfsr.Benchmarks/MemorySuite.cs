using System.Diagnostics;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Leak check of a real run: a 10-epoch SASRec training through <see cref="RecommenderTrainer"/> (with its
/// per-epoch validation and checkpoints) on a 5,000-user slice of the workload's statistics, recording the
/// process's resident set and the live TorchSharp tensor count after every epoch. Both must stay flat once the
/// first epoch has allocated the model, optimizer state and buffers; growth of the live tensors or of the peak
/// resident set is flagged.
/// </summary>
internal sealed class MemorySuite : IBenchmarkSuite
{
    private const int Epochs = 10;

    public string Name => "memory";

    public string Description => $"RSS and live tensors after each of {Epochs} epochs (SASRec, 5,000 users, 20,000 items)";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Generate(5_000, BenchmarkWorkload.Items);
        var options = new TrainingOptions { Model = "sasrec", Epochs = Epochs, Patience = Epochs, MaxLength = 50, HiddenSize = 64, Seed = 42 };
        string directory = Path.Combine(Path.GetTempPath(), "llmcfsr-bench-memory-" + Guid.NewGuid().ToString("N"));
        var records = new List<(int Epoch, double RssMiB, double PeakMiB, long Tensors)>();
        var progress = new EpochRecorder(p =>
        {
            using var process = Process.GetCurrentProcess();
            records.Add((p.Epoch, process.WorkingSet64 / 1048576.0, process.PeakWorkingSet64 / 1048576.0, Tensor.TotalCount));
        });
        try
        {
            using var services = BenchmarkServices.Build();
            var result = services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = dataset, Options = options, RunDirectory = directory }, progress);
            result.Model.Dispose();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        var figures = new List<BenchmarkFigure>();
        foreach (var (epoch, rss, peak, tensors) in records)
        {
            figures.Add(new BenchmarkFigure($"epoch {epoch,2} RSS", rss, "MiB", $"peak {peak:F0} MiB"));
            figures.Add(new BenchmarkFigure($"epoch {epoch,2} live tensors", tensors, "tensors", ""));
        }
        // Epoch 1 allocates the optimizer state and allocator pools; from epoch 2 on nothing may accumulate. The
        // resident set also moves with the allocators' caching, so growth is judged on the high-water mark: a leak
        // pushes the peak up epoch after epoch, a cache refilling below it does not.
        var settled = records.Skip(1).ToList();
        double rssGrowth = settled[^1].RssMiB - settled[0].RssMiB;
        double peakGrowth = settled[^1].PeakMiB - records[0].PeakMiB;
        long tensorGrowth = settled[^1].Tensors - settled[0].Tensors;
        bool flat = tensorGrowth == 0 && peakGrowth < 0.05 * records[0].PeakMiB;
        figures.Add(new BenchmarkFigure("RSS change epochs 2..10", rssGrowth, "MiB", $"{rssGrowth / settled[0].RssMiB:P1}"));
        figures.Add(new BenchmarkFigure("peak RSS growth after epoch 1", peakGrowth, "MiB", peakGrowth < 0.05 * records[0].PeakMiB ? "flat" : "GROWTH (more than 5%)"));
        figures.Add(new BenchmarkFigure("live tensor growth epochs 2..10", tensorGrowth, "tensors", tensorGrowth == 0 ? "flat" : "LEAK"));
        if (!flat)
        {
            Console.Error.WriteLine("   WARNING: memory grows from epoch to epoch.");
        }
        return figures;
    }

    /// <summary>Calls back once per finished epoch (the report that carries validation metrics), synchronously.</summary>
    private sealed class EpochRecorder(Action<TrainingProgress> onEpoch) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Validation is not null)
            {
                onEpoch(value);
            }
        }
    }
}
