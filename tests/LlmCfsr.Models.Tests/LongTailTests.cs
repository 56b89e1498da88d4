using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Embeddings;
using LlmCfsr.Evaluation;
using LlmCfsr.Training;
using Xunit.Abstractions;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The paper's claim on the synthetic generator's data, where a rarely seen item's text reveals its topic and the
/// next topic is predictable: with MiniLM embeddings of the item texts, LLM-CFSR ranks tail items far better than
/// id-only SASRec; LLM-ESR and SAID train on the same data and are compared in the same run.
/// </summary>
public sealed class LongTailTests(ITestOutputHelper output)
{
    private static TrainingOptions Options(string model, string embeddings, string users, int seed) => new()
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
        SemanticEmbeddingsPath = embeddings,
        RawSemanticEmbeddingsPath = embeddings,
        UserEmbeddingsPath = users,
    };

    [Fact]
    public void LlmCfsrBeatsSasRecOnTailItems()
    {
        const int seed = 13;
        var synthetic = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 500, Items = 200, Topics = 8, MeanSequenceLength = 8, Seed = seed });
        var dataset = synthetic.Dataset;
        var folder = Fixtures.TempFolder();
        var embeddingsPath = Path.Combine(folder, "items.safetensors");
        var items = Fixtures.MiniLmItemEmbeddings(dataset, embeddingsPath);
        var usersPath = Path.Combine(folder, "users.safetensors");
        Fixtures.MeanOfHistoryItems(dataset, items).Save(usersPath);

        var tail = new Dictionary<string, double>();
        using var services = TestServices.Build();
        var trainer = new RecommenderTrainer(services);
        foreach (var model in new[] { "sasrec", "said", "llm-esr", "llm-cfsr" })
        {
            using var result = trainer.Train(new TrainingRequest
            {
                Dataset = dataset,
                Options = Options(model, embeddingsPath, usersPath, seed),
                RunDirectory = Path.Combine(folder, model),
            });
            var groups = result.Test.Groups;
            tail[model] = groups[EvaluationGroupNames.TailItem].Metrics["NDCG@10"];
            output.WriteLine($"{model}: overall NDCG@10 {groups[EvaluationGroupNames.Overall].Metrics["NDCG@10"]:F4}, tail-item NDCG@10 {tail[model]:F4}, head-item NDCG@10 {groups[EvaluationGroupNames.HeadItem].Metrics["NDCG@10"]:F4}, epochs {result.Manifest.History.Count}");
        }
        // Observed tail-item NDCG@10 (sampled:100) with these settings, data seed 13: SASRec 0.067, SAID 0.112,
        // LLM-ESR 0.145, LLM-CFSR 0.129 (data seed 12: SASRec 0.081, SAID 0.136). The margin asserted (0.04, about
        // two thirds of the observed +0.062) leaves room for platform differences in the seeded run; only one data
        // seed of the full comparison could be run in the time available, so the margin is not yet checked across seeds.
        Assert.True(tail["llm-cfsr"] > tail["sasrec"] + 0.04, $"LLM-CFSR tail NDCG@10 {tail["llm-cfsr"]:F4} vs SASRec {tail["sasrec"]:F4}");
        Assert.True(tail["llm-esr"] > tail["sasrec"], $"LLM-ESR tail NDCG@10 {tail["llm-esr"]:F4} vs SASRec {tail["sasrec"]:F4}");
        Assert.True(tail["said"] > tail["sasrec"], $"SAID tail NDCG@10 {tail["said"]:F4} vs SASRec {tail["sasrec"]:F4}");
    }
}
