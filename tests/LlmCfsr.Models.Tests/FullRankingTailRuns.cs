using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The trained runs <see cref="FullRankingTailTests"/> reads, each trained once on first use (training seed 1):
/// synthetic generator with 3,000 users, 600 items, 15 topics, Zipf exponent 0.8, data seed 7; item vectors that are
/// their topic centre plus 3× as much noise; hidden 32, 1 block, 1 head, at most 20 epochs, patience 3, lr 5e-3,
/// `full` validation and test. The same values stand in for the CFT embeddings LLM-CFSR reads.
/// </summary>
public sealed class FullRankingTailRuns : IDisposable
{
    private const int SyntheticEpochs = 20;
    private readonly SyntheticDataset _synthetic = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
    {
        Users = 3000, Items = 600, Topics = 15, MeanSequenceLength = 8, ZipfExponent = 0.8, Seed = 7,
    });
    private readonly string _folder = Fixtures.TempFolder();
    private readonly string _embeddings;
    private readonly Dictionary<string, FullRankingRun> _runs = new(StringComparer.Ordinal);

    /// <summary>Writes the item vectors.</summary>
    public FullRankingTailRuns()
    {
        _embeddings = Path.Combine(_folder, "items.safetensors");
        TopicVectors(_synthetic, noise: 3.0).Save(_embeddings);
    }

    /// <summary>The test-split figures of <paramref name="model"/>, trained on first use.</summary>
    public FullRankingRun Get(string model)
    {
        lock (_runs)
        {
            if (!_runs.TryGetValue(model, out var run))
            {
                run = Train(model);
                _runs[model] = run;
            }
            return run;
        }
    }

    private FullRankingRun Train(string model)
    {
        using var services = TestServices.Build();
        var trainer = services.GetRequiredService<RecommenderTrainer>();
        using var result = trainer.Train(new TrainingRequest
        {
            Dataset = _synthetic.Dataset,
            Options = new TrainingOptions
            {
                Model = model, Epochs = SyntheticEpochs, Patience = 3, BatchSize = 128, LearningRate = 5e-3, MaxLength = 20,
                HiddenSize = 32, Layers = 1, Heads = 1, Dropout = 0.2, Seed = 1, EvaluationProtocol = "full",
                SemanticEmbeddingsPath = Fixtures.CopyAsKindOf(_embeddings, ModelInput.SemanticEmbeddings),
                RawSemanticEmbeddingsPath = _embeddings,
            },
            RunDirectory = Path.Combine(_folder, model),
        });
        var groups = result.Test.Groups;
        var (semantic, collaborative) = result.Model is DualViewRecommender dual ? ViewScoreSpread(dual, _synthetic.Dataset) : (double.NaN, double.NaN);
        return new FullRankingRun(groups[EvaluationGroupNames.Overall].Metrics["NDCG@10"], groups[EvaluationGroupNames.TailItem].Metrics["NDCG@10"],
            semantic, collaborative, result.Manifest.History.Count);
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_folder, recursive: true);

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
