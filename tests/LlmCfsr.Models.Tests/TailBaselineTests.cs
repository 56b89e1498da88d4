using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;
using LlmCfsr.Training;
using Xunit.Abstractions;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The effect MELT's and CITIES's papers claim, on the synthetic generator's long-tail data: started from the same trained
/// SASRec (their teacher run), both rank tail items better than that SASRec. Three data seeds.
/// </summary>
public sealed class TailBaselineTests(ITestOutputHelper output)
{
    private static TrainingOptions Options(string model, int seed, string? teacher = null) => new()
    {
        Model = model,
        Epochs = 10,
        Patience = 3,
        BatchSize = 64,
        LearningRate = 5e-3,
        MaxLength = 10,
        HiddenSize = 32,
        Layers = 1,
        Heads = 1,
        Dropout = 0.2,
        Seed = seed,
        EvaluationProtocol = "sampled:100",
        TeacherRunDirectory = teacher,
    };

    [Theory]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public void MeltAndCitiesRankTailItemsBetterThanTheirSasRec(int seed)
    {
        var dataset = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 500, Items = 200, Topics = 8, MeanSequenceLength = 8, Seed = seed }).Dataset;
        var folder = Fixtures.TempFolder();
        var tail = new Dictionary<string, double>();
        using var services = TestServices.Build();
        var trainer = new RecommenderTrainer(services);
        var teacher = Path.Combine(folder, "sasrec");
        foreach (var model in new[] { "sasrec", "cities", "melt" })
        {
            using var result = trainer.Train(new TrainingRequest
            {
                Dataset = dataset,
                Options = Options(model, seed, model == "sasrec" ? null : teacher),
                RunDirectory = Path.Combine(folder, model),
            });
            var groups = result.Test.Groups;
            tail[model] = groups[EvaluationGroupNames.TailItem].Metrics["NDCG@10"];
            output.WriteLine($"{model}: overall NDCG@10 {groups[EvaluationGroupNames.Overall].Metrics["NDCG@10"]:F4}, tail-item NDCG@10 {tail[model]:F4}, head-item NDCG@10 {groups[EvaluationGroupNames.HeadItem].Metrics["NDCG@10"]:F4}, epochs {result.Manifest.History.Count}");
        }
    }
}
