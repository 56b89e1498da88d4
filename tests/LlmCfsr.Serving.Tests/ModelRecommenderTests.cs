using LlmCfsr.Backbones.SasRec;
using LlmCfsr.Models;
using LlmCfsr.Recommendation;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>The recommender over a real (untrained, randomly initialised) SASRec model, against the model's own scores.</summary>
public sealed class ModelRecommenderTests
{
    private const int Items = 120;
    private const int MaxLength = 8;

    private static IdOnlyRecommender SasRec()
    {
        var settings = new SequenceEncoderSettings { HiddenSize = 16, MaxLength = MaxLength, Layers = 1, Heads = 1, Dropout = 0.2 };
        var encoder = new SasRecEncoderFactory(Options.Create(new SasRecOptions())).Create(settings);
        return new IdOnlyRecommender("sasrec", Items, MaxLength, encoder);
    }

    private static IReadOnlyList<string> SourceIds => [.. Enumerable.Range(1, Items).Select(id => $"sku{id:D4}")];

    [Fact]
    public void TopKEqualsTheModelsOwnScoresWithSeenItemsMasked()
    {
        using var model = SasRec();
        using var recommender = Recommender.Create(model, SourceIds);
        var idOf = SourceIds.Select((source, index) => (source, id: index + 1)).ToDictionary(pair => pair.source, pair => pair.id);
        var random = new Random(3);
        for (int user = 0; user < 20; user++)
        {
            // Longer than the model's window too: the newest MaxLength items are encoded, every item is excluded.
            var history = Enumerable.Range(0, random.Next(1, 2 * MaxLength)).Select(_ => (long)random.Next(1, Items + 1)).ToArray();
            float[] scores;
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                scores = model.ScoreAll(tensor(history, [1, history.Length]))[0].data<float>().ToArray();
            }
            var result = recommender.Recommend([.. history.Select(id => SourceIds[(int)id - 1])], 10);

            // The ten best unseen items by the model's own scores, best first. Two items whose scores agree to float
            // rounding may come in either order (the recommender scores in its own batch), so the check is the top-k
            // property itself rather than one particular order among near-ties.
            var recommended = result.Items.Select(item => idOf[item.ItemId]).ToArray();
            Assert.Equal(10, recommended.Distinct().Count());
            Assert.DoesNotContain(recommended, id => history.Contains(id));
            Assert.All(result.Items.Zip(recommended), pair => Assert.Equal(scores[pair.Second], pair.First.Score, tolerance: 1e-4));
            Assert.True(result.Items.Zip(result.Items.Skip(1)).All(pair => pair.First.Score >= pair.Second.Score), "recommendations are not best first");
            float weakestRecommended = recommended.Min(id => scores[id]);
            float strongestLeftOut = Enumerable.Range(1, Items).Where(id => !history.Contains(id) && !recommended.Contains(id)).Max(id => scores[id]);
            Assert.True(weakestRecommended >= strongestLeftOut - 1e-5f, $"an unseen item scoring {strongestLeftOut} was left out for one scoring {weakestRecommended}");
        }
    }

    [Fact]
    public void ConcurrentCallsGiveTheSequentialResults()
    {
        using var model = SasRec();
        using var recommender = Recommender.Create(model, SourceIds);
        var random = new Random(4);
        var histories = Enumerable.Range(0, 40)
            .Select(_ => (IReadOnlyList<string>)[.. Enumerable.Range(0, random.Next(1, 10)).Select(_ => SourceIds[random.Next(Items)])])
            .ToList();
        var options = new RecommendationOptions { ExcludedItems = [SourceIds[0], SourceIds[1]] };
        var sequential = histories.Select(h => recommender.Recommend(h, 10, options).Items).ToList();

        var concurrent = new IReadOnlyList<RecommendedItem>[histories.Count * 8];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 },
            i => concurrent[i] = i % 2 == 0
                ? recommender.Recommend(histories[i % histories.Count], 10, options).Items
                : recommender.RecommendBatch([histories[i % histories.Count], histories[(i + 1) % histories.Count]], 10, options)[0].Items);

        for (int i = 0; i < concurrent.Length; i++)
        {
            var expected = sequential[i % histories.Count];
            Assert.Equal(expected.Select(e => e.ItemId), concurrent[i].Select(c => c.ItemId));
            Assert.All(expected.Zip(concurrent[i]), pair => Assert.Equal(pair.First.Score, pair.Second.Score, tolerance: 1e-5));
        }
    }

    [Fact]
    public void AModelThatDoesNotScoreByInnerProductIsRefused()
    {
        using var model = new SquaredScoreModel(SasRec());
        var error = Assert.Throws<NotSupportedException>(() => Recommender.Create(model, SourceIds));
        Assert.Contains("inner product", error.Message);
    }

    /// <summary>SASRec whose scores are squared: same vectors, a ranking no inner-product index can reproduce.</summary>
    private sealed class SquaredScoreModel : SequentialRecommender
    {
        private readonly IdOnlyRecommender inner;

        public SquaredScoreModel(IdOnlyRecommender model) : base("squared", model.ItemCount, model.MaxLength)
        {
            inner = model;
            RegisterComponents();
        }

        public override SequenceDirection Direction => inner.Direction;

        public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null) => inner.EncodeSequences(items, maskedPositions);

        public override Tensor ItemRepresentations(Tensor items) => inner.ItemRepresentations(items);

        public override Tensor ScoreAllItems(Tensor states) => TensorArithmetic.Square(inner.ScoreAllItems(states));
    }
}
