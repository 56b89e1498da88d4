using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// Issue 19 on synthetic data built to show it: many items, a popularity skew, and item vectors that say little
/// about the item (its topic under heavy noise: the stand-in for short item texts). Under full ranking the paper's
/// LLM-CFSR (pure cross-attention, BPR with one uniform negative) ranks tail targets below id-only SASRec, and its
/// fused score is carried by the collaborative view (docs/results.md, "Full-ranking tail items (issue 19)").
/// </summary>
public sealed class FullRankingTailTests(ITestOutputHelper output)
{
    private static TrainingOptions Options(string model, string embeddings, int seed) => new()
    {
        Model = model,
        Epochs = SyntheticEpochs,
        Patience = 3,
        BatchSize = 128,
        LearningRate = 5e-3,
        MaxLength = 20,
        HiddenSize = 32,
        Layers = 1,
        Heads = 1,
        Dropout = 0.2,
        Seed = seed,
        EvaluationProtocol = "full",
        // The same values stand in for the CFT embeddings llm-cfsr reads.
        SemanticEmbeddingsPath = Fixtures.CopyAsKindOf(embeddings, ModelInput.SemanticEmbeddings),
        RawSemanticEmbeddingsPath = embeddings,
    };

    private const int SyntheticEpochs = 20;

    [Fact]
    public void PaperFormRanksTailTargetsBelowSasRecUnderFullRanking()
    {
        var synthetic = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
        {
            Users = 3000, Items = 600, Topics = 15, MeanSequenceLength = 8, ZipfExponent = 0.8, Seed = 7,
        });
        var folder = Fixtures.TempFolder();
        try
        {
            var embeddings = Path.Combine(folder, "items.safetensors");
            TopicVectors(synthetic, noise: 3.0).Save(embeddings);
            using var services = TestServices.Build();
            var trainer = services.GetRequiredService<RecommenderTrainer>();
            var overall = new Dictionary<string, double>();
            var tail = new Dictionary<string, double>();
            foreach (var model in new[] { "sasrec", "llm-cfsr" })
            {
                using var result = trainer.Train(new TrainingRequest
                {
                    Dataset = synthetic.Dataset,
                    Options = Options(model, embeddings, seed: 1),
                    RunDirectory = Path.Combine(folder, model),
                });
                var groups = result.Test.Groups;
                overall[model] = groups[EvaluationGroupNames.Overall].Metrics["NDCG@10"];
                tail[model] = groups[EvaluationGroupNames.TailItem].Metrics["NDCG@10"];
                output.WriteLine($"{model}: full NDCG@10 overall {overall[model]:F4}, tail-item {tail[model]:F4}, epochs {result.Manifest.History.Count}");
                if (result.Model is DualViewRecommender dual)
                {
                    var (semantic, collaborative) = ViewScoreSpread(dual, synthetic.Dataset);
                    output.WriteLine($"{model}: score std over the catalogue, semantic view {semantic:F3}, collaborative view {collaborative:F3}");
                    Assert.True(semantic < collaborative, $"semantic view spread {semantic:F3} vs collaborative {collaborative:F3}");
                }
            }
            // Observed (seed 1 / seed 2 of training, same data): SASRec tail 0.0122 / 0.0164, overall 0.1882 / 0.1907;
            // LLM-CFSR tail 0.0081 / 0.0109, overall 0.1395 / 0.1391. The margins are half the smaller gap.
            Assert.True(tail["llm-cfsr"] + 0.002 < tail["sasrec"], $"tail-item NDCG@10: llm-cfsr {tail["llm-cfsr"]:F4} vs sasrec {tail["sasrec"]:F4}");
            Assert.True(overall["llm-cfsr"] + 0.025 < overall["sasrec"], $"overall NDCG@10: llm-cfsr {overall["llm-cfsr"]:F4} vs sasrec {overall["sasrec"]:F4}");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// Mean over test users of the standard deviation over the catalogue of each view's share of the fused score
    /// (u_se·e_se and u_co·e_co): which view orders the catalogue.
    /// </summary>
    private static (double Semantic, double Collaborative) ViewScoreSpread(DualViewRecommender model, PreparedDataset dataset)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        model.eval();
        int users = Math.Min(dataset.UserCount, 512);
        var histories = new long[users, model.MaxLength];
        for (int user = 1; user <= users; user++)
        {
            var history = dataset.SplitOf(user, DataSplit.Test).History.ToArray().TakeLast(model.MaxLength).ToArray();
            for (int k = 0; k < history.Length; k++)
            {
                histories[user - 1, model.MaxLength - history.Length + k] = history[k];
            }
        }
        var states = model.EncodeHistories(tensor(histories));
        using var first = 1L.ToScalar();
        using var end = (dataset.ItemCount + 1L).ToScalar();
        var items = model.ItemViews(TensorArithmetic.Arange(first, end, ScalarType.Int64, device: null));
        long d = items.Semantic!.shape[1];
        double Spread(Tensor user, Tensor item) => user.matmul(item.t()).std(1).mean().item<float>();
        return (Spread(states.narrow(1, 0, d), items.Semantic), Spread(states.narrow(1, d, d), items.Collaborative!));
    }

    /// <summary>
    /// Item vectors that carry the item's topic and nothing else: a unit topic centre per topic plus Gaussian noise
    /// of relative size <paramref name="noise"/>, L2-normalised (what a sentence encoder gives for short texts that
    /// name little more than the category). Seeded, so the test needs no encoder run.
    /// </summary>
    internal static LlmCfsr.Embeddings.ItemEmbeddingCache TopicVectors(SyntheticDataset synthetic, double noise, int dimension = 64, int seed = 3)
    {
        var dataset = synthetic.Dataset;
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        int topics = synthetic.ItemTopics.Skip(1).Max() + 1;
        var centres = Enumerable.Range(0, topics).Select(_ => Enumerable.Range(0, dimension).Select(_ => Gaussian()).ToArray()).ToArray();
        var values = new float[dataset.ItemCount * dimension];
        for (int item = 1; item <= dataset.ItemCount; item++)
        {
            var centre = centres[synthetic.ItemTopics[item]];
            var vector = centre.Select(x => x + noise * Gaussian()).ToArray();
            double norm = Math.Sqrt(vector.Sum(x => x * x));
            for (int k = 0; k < dimension; k++)
            {
                values[(item - 1) * dimension + k] = (float)(vector[k] / norm);
            }
        }
        return new LlmCfsr.Embeddings.ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, dimension, values,
            new LlmCfsr.Embeddings.ItemEmbeddingFingerprint("topic-vectors", "topic-vectors", LlmCfsr.Encoders.EmbeddingPooling.Mean, "generic", false),
            dataset.Fingerprint);
    }
}
