using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Embeddings;
using LlmCfsr.Evaluation;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The paper's claim on the synthetic generator's data, where a rarely seen item's text reveals its topic and the
/// next topic is predictable: with MiniLM embeddings of the item texts, the dual-view model ranks tail items far
/// better than id-only SASRec. It holds for our residual cross-attention variant; the paper's pure-attention form
/// (the "llm-cfsr" default) does not reach SASRec here and is trained and reported in the same run (docs/models.md).
/// LLM-ESR (whose official pure-attention form does not reach SASRec on tail items here either) and LLMInit train on the
/// same data and are compared in the same run.
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
        // The same values stand in for the CFT embeddings llm-cfsr reads.
        SemanticEmbeddingsPath = Fixtures.CopyAsKindOf(embeddings, ModelInput.SemanticEmbeddings),
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
        var trainer = services.GetRequiredService<RecommenderTrainer>();
        foreach (var model in new[] { "sasrec", "llminit", "llm-esr", "llm-cfsr", "llm-cfsr-residual-fusion" })
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
        // Observed tail-item NDCG@10 (sampled:100) with these settings, data seed 13 (validation NDCG@10 in brackets):
        // SASRec 0.047 (0.308), LLMInit 0.116, LLM-ESR (official pure-attention form) 0.040, LLM-CFSR paper form 0.041
        // (0.295), residual variant 0.126 (0.363). The paper-form models do not beat SASRec on tail items here (see
        // docs/models.md), so only the variant and LLMInit are asserted. The margin (0.04, about half the observed +0.079)
        // leaves room for platform differences in the seeded run; one data seed.
        Assert.True(tail["llm-cfsr-residual-fusion"] > tail["sasrec"] + 0.04, $"LLM-CFSR (residual fusion) tail NDCG@10 {tail["llm-cfsr-residual-fusion"]:F4} vs SASRec {tail["sasrec"]:F4}");
        Assert.True(tail["llminit"] > tail["sasrec"], $"LLMInit tail NDCG@10 {tail["llminit"]:F4} vs SASRec {tail["sasrec"]:F4}");
    }
}
