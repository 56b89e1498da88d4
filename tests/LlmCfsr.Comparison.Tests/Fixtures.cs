using LlmCfsr.Comparison;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Comparison.Tests;

/// <summary>Datasets, reports and services the tests build in memory.</summary>
internal static class Fixtures
{
    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmcfsr-comparison-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// A report over users 1..4 with the given pessimistic ranks: users 1 and 3 have tail-item targets, users 1 and 2
    /// are tail users. With one relevant item, rank 0 gives HR@10 = NDCG@10 = 1 and rank 20 gives 0.
    /// </summary>
    public static EvaluationReport Report(params long[] ranks) => new(
        EvaluationProtocol.Sampled(100), DataSplit.Test, [10], [1, 2, 3, 4], ranks,
        [true, false, true, false], [true, true, false, false], "fingerprint");

    /// <summary>A successful run with one report under "sampled:100".</summary>
    public static ComparisonRun Run(string model, int seed, params long[] ranks) => new()
    {
        Model = model,
        Seed = seed,
        RunDirectory = $"/runs/{model}/seed-{seed}",
        Reports = new Dictionary<string, EvaluationReport> { ["sampled:100"] = Report(ranks) },
    };

    /// <summary>
    /// A run manifest of <paramref name="epochs"/> epochs whose best was <paramref name="bestEpoch"/> under
    /// <paramref name="patience"/>: converged when epochs - bestEpoch >= patience.
    /// </summary>
    public static Training.RunManifest Manifest(int epochs, int bestEpoch, int patience) => new()
    {
        Options = new Training.TrainingOptions { Epochs = epochs, Patience = patience },
        Loss = "bce",
        Objective = Training.TrainingObjective.AllPositions,
        Dataset = new Training.RunDataset { Name = "d", Fingerprint = "fingerprint", Users = 4, Items = 4 },
        History = Enumerable.Range(1, epochs).Select(e => new Training.EpochRecord { Epoch = e, Loss = 1, SequencesPerSecond = 1, Validation = new Dictionary<string, double>() }).ToArray(),
        BestEpoch = bestEpoch,
        Completed = true,
    };

    /// <summary>A failed run.</summary>
    public static ComparisonRun Failed(string model, int seed, string error) => new()
    {
        Model = model,
        Seed = seed,
        RunDirectory = $"/runs/{model}/seed-{seed}",
        Error = error,
    };

    /// <summary>The SDK with SASRec and GRU4Rec and the standard losses.</summary>
    public static ServiceProvider Services(Action<ILlmCfsrBuilder>? more = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        var builder = services.AddLlmCfsr().AddSasRec().AddGru4Rec().AddStandardRankingLosses();
        more?.Invoke(builder);
        return services.BuildServiceProvider();
    }
}
