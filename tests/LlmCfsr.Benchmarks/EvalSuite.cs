using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
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
        using var inputs = RecommenderModelInputs.From(dataset, options.BackboneFor(new IdOnlyModelOptions()));
        using var model = RecommenderModels.Create(catalog, "sasrec", inputs);
        model.eval();
        var figures = new List<BenchmarkFigure>();
        var cpuSeconds = new Dictionary<string, double>();
        foreach (var protocol in new[] { "full", "sampled:100", "popularity:100" })
        {
            var evaluation = options.EvaluationSettings(EvaluationProtocol.Parse(protocol), CPU);
            // A pass over a small dataset with the same catalogue warms up the JIT and the allocator.
            RankingEvaluator.Evaluate(model, WarmupDataset.Value, DataSplit.Test, evaluation);
            var (wall, cpu) = Measure(() => RankingEvaluator.Evaluate(model, dataset, DataSplit.Test, evaluation));
            cpuSeconds[protocol] = cpu;
            figures.Add(new BenchmarkFigure($"{protocol} s", wall, "s",
                $"{cpu:F2} CPU s; {dataset.UserCount / wall:N0} users/s wall, {dataset.UserCount / cpu:N0} users/s CPU; batch {evaluation.BatchSize}"));
        }
        var (scoreWall, scoreCpu) = Measure(() => OverTestHistories(dataset, options.EvaluationBatchSize, histories => model.ScoreAll(histories)));
        figures.Add(new BenchmarkFigure("ScoreAll only s", scoreWall, "s", $"{scoreCpu:F2} CPU s: the scorer's encoder and [users, items] scores alone, the floor of full ranking"));
        var (encodeWall, encodeCpu) = Measure(() => OverTestHistories(dataset, options.EvaluationBatchSize, model.EncodeHistories));
        figures.Add(new BenchmarkFigure("encoder only s", encodeWall, "s", $"{encodeCpu:F2} CPU s: EncodeHistories alone, the part of ScoreAll before the [users, items] product"));
        figures.Add(new BenchmarkFigure("full / sampled:100", cpuSeconds["full"] / cpuSeconds["sampled:100"], "×", "CPU-time ratio of the whole evaluations (both run the encoder)"));
        var (_, drawCpu) = Measure(() => DrawWithSampler(dataset));
        var (_, keyCpu) = Measure(() => DrawWithKeys(dataset, 256));
        figures.Add(new BenchmarkFigure("draw 100 negatives s", drawCpu, "CPU s", $"{dataset.UserCount:N0} users, rejection sampling per (seed, split, user) stream"));
        figures.Add(new BenchmarkFigure("draw by keys + top-k s", keyCpu, "CPU s", $"the previous method: a random key per catalogue item per user, top-100; {keyCpu / drawCpu:N0}× the sampler"));
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

    private static void DrawWithSampler(PreparedDataset dataset)
    {
        var sampler = new EvaluationCandidateSampler(dataset, EvaluationProtocol.Sampled(100), 42);
        var negatives = new long[100];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            sampler.Sample(user, DataSplit.Test, negatives);
        }
    }

    /// <summary>Uniform keys over the catalogue, interacted items masked, top-100 per user: what sampling cost before.</summary>
    private static void DrawWithKeys(PreparedDataset dataset, int batchSize)
    {
        using var generator = new TorchSharp.torch.Generator(42);
        for (int start = 0; start < dataset.UserCount; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int batch = Math.Min(batchSize, dataset.UserCount - start);
            var keys = rand([batch, dataset.ItemCount + 1], generator: generator);
            for (int j = 0; j < batch; j++)
            {
                var seen = tensor(dataset.Sequences[start + j].Select(i => (long)i).ToArray());
                using var excluded = float.NegativeInfinity.ToScalar();
                keys[j].index_fill_(0, seen, excluded);
            }
            keys.topk(100, dim: 1, largest: true, sorted: false).indexes.sum().item<long>();
        }
    }

    /// <summary><paramref name="run"/> over every user's test history in batches, histories grouped by length as the evaluator does.</summary>
    private static void OverTestHistories(PreparedDataset dataset, int batchSize, Func<Tensor, Tensor> run)
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
            run(tensor(buffer, [batch, 50])).sum().item<float>();
        }
    }
}
