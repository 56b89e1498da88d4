using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The effect CITIES's paper claims (issue 18 point 5): on data whose rare items are bought next to the popular items of
/// their patterns (the synthetic generator's <see cref="SyntheticDatasetOptions.PatternSize"/>), replacing the rare items'
/// embeddings by ones inferred from their contexts ranks tail targets better than the id-only SASRec it starts from.
/// MELT does not show it on this data: with the same steps it ranks tail items below SASRec continued as long, on all 3
/// data seeds (docs/comparison.md, "MELT measured with enough steps"), so no MELT effect is asserted.
/// </summary>
public sealed class TailEffectTests(ITestOutputHelper output)
{
    private const int Seed = 13;

    private static TrainingOptions Options(string model, int epochs, int batchSize, string? teacher) => new()
    {
        Model = model,
        Epochs = epochs,
        Patience = model == "sasrec" ? 3 : epochs,
        BatchSize = batchSize,
        LearningRate = 5e-3,
        MaxLength = 10,
        HiddenSize = 32,
        Layers = 1,
        Heads = 1,
        Dropout = 0.2,
        Seed = Seed,
        EvaluationProtocol = "sampled:100",
        TeacherRunDirectory = teacher,
    };

    [Fact]
    public void CitiesRanksTailItemsBetterThanItsSasRecTeacher()
    {
        // 1,000 items for 3,800 interactions: every Pareto-tail item has at most 5 training occurrences, too few for SASRec
        // to place it, while its pattern's popular items are seen often.
        var dataset = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            Users = 500, Items = 1000, Topics = 20, MeanSequenceLength = 8, PatternSize = 4, PatternProbability = 0.5, Seed = Seed,
        }).Dataset;
        var folder = Fixtures.TempFolder();
        using var services = TestServices.Build();
        var trainer = services.GetRequiredService<RecommenderTrainer>();
        var teacherRun = Path.Combine(folder, "sasrec");
        using var sasrec = trainer.Train(new TrainingRequest { Dataset = dataset, Options = Options("sasrec", 20, 64, null), RunDirectory = teacherRun });
        // The inference network must be trained far longer than either early-stopping rule allows on data this small: the
        // official schedule (the default) stops on 10 held-out items' MSE after a few hundred one-step epochs, below the teacher
        // (docs/comparison.md, "CITIES on its official schedule"). Paced by the trainer instead, one step per batch, small
        // batches and no early stopping give it 960 steps. Windows of 4 items each side fit sequences of 8 items on average.
        var citiesOptions = Options("cities", 30, 16, teacherRun);
        using var cities = trainer.Train(new TrainingRequest
        {
            Dataset = dataset,
            Options = citiesOptions,
            ModelOptions = new CitiesOptions { ContextWindow = 4, ItemsPerStep = 32, ConvergeBeforeReplacing = false },
            RunDirectory = Path.Combine(folder, "cities"),
        });

        double Tail(EvaluationReport report) => report.Groups[EvaluationGroupNames.TailItem].Metrics["NDCG@10"];
        var full = citiesOptions.EvaluationSettings(EvaluationProtocol.Full);
        double sampledGain = Tail(cities.Test) - Tail(sasrec.Test);
        double fullGain = Tail(RankingEvaluator.Evaluate(cities.Model, dataset, DataSplit.Test, full)) - Tail(RankingEvaluator.Evaluate(sasrec.Model, dataset, DataSplit.Test, full));
        output.WriteLine($"tail-item NDCG@10 sampled:100 sasrec {Tail(sasrec.Test):F4} cities {Tail(cities.Test):F4}; full gain {fullGain:F4}");

        // Observed tail-item NDCG@10 gains of CITIES over SASRec with these settings, data seeds 13 / 14 / 15:
        // sampled:100 +0.159 / +0.100 / +0.082, full +0.029 / +0.036 / +0.028 (docs/comparison.md). The bounds are about half
        // the smallest gain.
        Assert.True(sampledGain > 0.04, $"CITIES's tail-item NDCG@10 gain over SASRec under sampled:100: {sampledGain:F4}");
        Assert.True(fullGain > 0.014, $"CITIES's tail-item NDCG@10 gain over SASRec under full ranking: {fullGain:F4}");
    }
}
