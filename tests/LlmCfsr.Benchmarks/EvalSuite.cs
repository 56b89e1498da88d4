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
/// Evaluation throughput through <see cref="RankingEvaluator"/>: a SASRec model (hidden 64, length 50) ranks the
/// validation item of every user of the real-sized dataset, over all 20,000 items and over 100 sampled negatives.
/// </summary>
internal sealed class EvalSuite : IBenchmarkSuite
{
    private static readonly Lazy<PreparedDataset> WarmupDataset = new(() => BenchmarkWorkload.Generate(1_000, BenchmarkWorkload.Items));

    public string Name => "eval";

    public string Description => $"validation ranking of {BenchmarkWorkload.Users:N0} users through RankingEvaluator (SASRec, hidden 64, length 50)";

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
        foreach (var protocol in new[] { "full", "sampled:100" })
        {
            var evaluation = new EvaluationOptions { Protocol = EvaluationProtocol.Parse(protocol), MaxHistoryLength = 50, BatchSize = 256 };
            // A pass over a small dataset with the same catalogue warms up the JIT and the allocator.
            RankingEvaluator.Evaluate(model, WarmupDataset.Value, DataSplit.Validation, evaluation);
            var clock = Stopwatch.StartNew();
            RankingEvaluator.Evaluate(model, dataset, DataSplit.Validation, evaluation);
            double seconds = clock.Elapsed.TotalSeconds;
            figures.Add(new BenchmarkFigure($"{protocol} users/s", dataset.UserCount / seconds, "users/s",
                $"{dataset.UserCount:N0} users in {seconds:F2} s, batch {evaluation.BatchSize}, {dataset.ItemCount:N0} items"));
        }
        return figures;
    }
}
