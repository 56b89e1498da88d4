using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Training throughput on the real-sized synthetic dataset: for each model and maximum length, a bounded number
/// of the trainer's own steps (its epoch batching, batch building, loss, backward, clipping and Adam update),
/// timed after warm-up steps. Reports sequences/s and the achieved GFLOP/s of the analytic count
/// (<see cref="TrainingFlops"/>), and that as a fraction of the measured matmul peak.
/// </summary>
internal sealed class TrainSuite : IBenchmarkSuite
{
    private const int BatchSize = 128;
    private const int Hidden = 64;
    private const int WarmupSteps = 2;

    public string Name => "train";

    public string Description => $"training steps, hidden {Hidden}, batch {BatchSize}, {BenchmarkWorkload.Users:N0} users, {BenchmarkWorkload.Items:N0} items";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Dataset;
        Console.WriteLine($"   dataset: {dataset.UserCount:N0} users, {dataset.ItemCount:N0} items, {dataset.InteractionCount:N0} interactions");
        var embeddings = BenchmarkWorkload.ItemEmbeddings(dataset);
        var users = BenchmarkWorkload.UserEmbeddings(dataset);
        double peak = report.Find("peak", PeakSuite.PeakFigure)?.Value ?? PeakSuite.Measure(1024);
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var workload = new Workload(dataset, embeddings, users, services, catalog);
        var figures = new List<BenchmarkFigure>();
        foreach (var model in new[] { "sasrec", "gru4rec", "bert4rec", "llm-cfsr" })
        {
            Console.WriteLine($"   FLOPs/step of {model}: {TrainingFlops.Formula(model)}");
            foreach (int maxLength in new[] { 50, 200 })
            {
                figures.AddRange(Figures(workload, new TrainingOptions { Model = model, MaxLength = maxLength, HiddenSize = Hidden, BatchSize = BatchSize, Seed = 42 }, "", peak));
            }
        }
        // LLM-ESR against LLM-CFSR at the same sizes: its extra cost is the self-distillation teacher (10 neighbours'
        // training input sequences per user, encoded without gradients). Same users per epoch, so the ratio of the
        // times per sequence is the ratio of per-epoch times. The two are measured in alternation, three rounds of 10
        // steps each, so that a change in the machine's load between them hits both.
        var esrOptions = new TrainingOptions { Model = "llm-esr", MaxLength = 50, HiddenSize = Hidden, BatchSize = BatchSize, Seed = 42 };
        var cfsrOptions = esrOptions with { Model = "llm-cfsr" };
        double esrSeconds = 0, cfsrSeconds = 0, esrWidth = 0;
        const int Rounds = 3;
        for (int round = 0; round < Rounds; round++)
        {
            cfsrSeconds += 1 / Measure(cfsrOptions, 10, workload, counted: false).SequencesPerSecond;
            var esr = Measure(esrOptions, 10, workload, counted: false);
            esrSeconds += 1 / esr.SequencesPerSecond;
            esrWidth = esr.MeanWidth;
        }
        figures.Add(new BenchmarkFigure("llm-esr L=50 sequences/s", Rounds / esrSeconds, "seq/s", $"{Rounds} × 10 steps alternated with llm-cfsr's, mean computed width {esrWidth:F1}"));
        figures.Add(new BenchmarkFigure("llm-esr / llm-cfsr per-epoch time L=50", esrSeconds / cfsrSeconds, "x", $"target <= 3 (issue 17); llm-cfsr {Rounds / cfsrSeconds:N0} seq/s in the same rounds"));
        // The same steps without length bucketing (each batch still cut to its longest window), to show what bucketing buys.
        figures.AddRange(Figures(workload, new TrainingOptions { Model = "sasrec", MaxLength = 200, HiddenSize = Hidden, BatchSize = BatchSize, Seed = 42, BucketByLength = false }, " unbucketed", peak));
        // Issue 17's point 5 at its literal shapes: batches of 200-item windows with no padding (random ids, every
        // position a target), which the workload's short histories never form.
        foreach (var model in new[] { "sasrec", "llm-cfsr" })
        {
            var options = new TrainingOptions { Model = model, MaxLength = 200, HiddenSize = Hidden, BatchSize = BatchSize, Seed = 42 };
            figures.AddRange(Figures(workload, options, " full width", peak, fullWidth: true));
        }
        return figures;
    }

    private static IEnumerable<BenchmarkFigure> Figures(Workload workload, TrainingOptions options, string suffix, double peak, bool fullWidth = false)
    {
        int steps = options.Model == "bert4rec" ? 6 : 10;
        var (sequencesPerSecond, gflops, width) = Measure(options, steps, workload, fullWidth: fullWidth);
        string label = $"{options.Model} L={options.MaxLength}{suffix}";
        string detail = $"{steps} steps, mean computed width {width:F1}";
        yield return new BenchmarkFigure($"{label} sequences/s", sequencesPerSecond, "seq/s", detail);
        yield return new BenchmarkFigure($"{label} achieved", gflops, "GFLOP/s", $"{gflops / peak:P1} of peak {peak:F1} GFLOP/s");
    }

    private static (double SequencesPerSecond, double Gflops, double MeanWidth) Measure(TrainingOptions options, int steps, Workload workload, bool counted = true, bool fullWidth = false)
    {
        var (dataset, embeddings, users, services, catalog) = workload;
        using var outer = NewDisposeScope();
        using var loop = new TrainingStepLoop(dataset, embeddings, services, catalog, options, users);
        double flops = 0, width = 0;
        long sequences = 0;
        var clock = new Stopwatch();
        for (int step = 0; step < WarmupSteps + steps; step++)
        {
            using var scope = NewDisposeScope();
            if (step == WarmupSteps)
            {
                clock.Start();
            }
            var batch = fullWidth ? loop.FullWidthBatch(step) : loop.Batch(step);
            loop.Step(batch);
            if (step >= WarmupSteps)
            {
                long b = batch.Items.shape[0], length = batch.Items.shape[1];
                long targets = ItemIds.IsReal(batch.Targets).sum().item<long>();
                long real = ItemIds.IsReal(batch.Items).sum().item<long>();
                flops += !counted ? 0 : TrainingFlops.Step(options.Model, b, length, targets, real, loop.Backbone.HiddenSize, options.Layers, loop.Loss.NegativeSamples,
                    dataset.ItemCount, BenchmarkWorkload.LlmEmbeddingSize);
                width += length;
                sequences += b;
            }
        }
        clock.Stop();
        double seconds = clock.Elapsed.TotalSeconds;
        return (sequences / seconds, flops / seconds / 1e9, width / steps);
    }

    private sealed record Workload(PreparedDataset Dataset, ItemEmbeddingCache Embeddings, UserEmbeddingCache Users, IServiceProvider Services, ComponentCatalog Catalog);
}
