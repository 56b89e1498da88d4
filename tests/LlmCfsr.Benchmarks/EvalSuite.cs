using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Evaluation cost through <see cref="RankingEvaluator"/>: a SASRec model (hidden 64, length 50) ranks the test item
/// of every user of the real-sized dataset (30,000 users) over all 20,000 items and over 100 sampled negatives
/// (uniform and popularity-proportional). Each figure gives wall-clock seconds and the process's CPU seconds: with
/// one thread on a shared machine the CPU time is what the work costs, the wall time also counts waiting for a core.
/// The scorer's own <c>ScoreAll</c> calls (encoder + [users, items] matmul) are timed too: the floor of full ranking.
/// </summary>
internal sealed class EvalSuite : IBenchmarkSuite
{
    private static readonly Lazy<PreparedDataset> WarmupDataset = new(() => BenchmarkWorkload.Generate(1_000, BenchmarkWorkload.Items));

    public string Name => "eval";

    public string Description => $"test ranking of {BenchmarkWorkload.Users:N0} users × {BenchmarkWorkload.Items:N0} items through RankingEvaluator (SASRec, hidden 64, length 50)";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Dataset;
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        manual_seed(42);
        var options = new TrainingOptions { Model = "sasrec", MaxLength = 50, HiddenSize = 64 };
        var context = new RecommenderModelContext { Dataset = dataset, Backbone = options.Backbone, Components = catalog, Services = services };
        using var model = catalog.RecommenderModel("sasrec").Create(context);
        model.eval();
        var figures = new List<BenchmarkFigure>();
        var cpuSeconds = new Dictionary<string, double>();
        foreach (var protocol in new[] { "full", "sampled:100", "popularity:100" })
        {
            var evaluation = options.EvaluationSettings(EvaluationProtocol.Parse(protocol), CPU) with { BatchSize = 256 };
            // A pass over a small dataset with the same catalogue warms up the JIT and the allocator.
            RankingEvaluator.Evaluate(model, WarmupDataset.Value, DataSplit.Test, evaluation);
            var (wall, cpu) = Measure(() => RankingEvaluator.Evaluate(model, dataset, DataSplit.Test, evaluation));
            cpuSeconds[protocol] = cpu;
            figures.Add(new BenchmarkFigure($"{protocol} s", wall, "s",
                $"{cpu:F2} CPU s; {dataset.UserCount / wall:N0} users/s wall, {dataset.UserCount / cpu:N0} users/s CPU; batch {evaluation.BatchSize}"));
        }
        var (scoreWall, scoreCpu) = Measure(() => ScoreAllOnly(model, dataset, 256));
        figures.Add(new BenchmarkFigure("ScoreAll only s", scoreWall, "s", $"{scoreCpu:F2} CPU s: the scorer's encoder and [users, items] scores alone, the floor of full ranking"));
        figures.Add(new BenchmarkFigure("full / sampled:100", cpuSeconds["full"] / cpuSeconds["sampled:100"], "×", "CPU-time ratio (target >= 5)"));
        return figures;
    }

    private static (double Wall, double Cpu) Measure(Action action)
    {
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return (wall, (process.TotalProcessorTime - cpuBefore).TotalSeconds);
    }

    /// <summary>ScoreAll over every user's test history in batches, histories grouped by length as the evaluator does.</summary>
    private static void ScoreAllOnly(SequentialRecommender model, PreparedDataset dataset, int batchSize)
    {
        using var noGrad = no_grad();
        var order = Enumerable.Range(1, dataset.UserCount).OrderBy(u => Math.Min(50, dataset.Sequences[u - 1].Length - 1)).ToArray();
        for (int start = 0; start < order.Length; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int batch = Math.Min(batchSize, order.Length - start);
            var buffer = new long[batch * 50];
            for (int j = 0; j < batch; j++)
            {
                var history = dataset.SplitOf(order[start + j], DataSplit.Test).History.Span;
                var recent = history[Math.Max(0, history.Length - 50)..];
                for (int k = 0; k < recent.Length; k++)
                {
                    buffer[j * 50 + 50 - recent.Length + k] = recent[k];
                }
            }
            model.ScoreAll(tensor(buffer, [batch, 50])).sum().item<float>();
        }
    }
}
