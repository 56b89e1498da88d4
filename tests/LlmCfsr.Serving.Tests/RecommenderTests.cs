using LlmCfsr.Recommendation;

namespace LlmCfsr.Serving.Tests;

public sealed class RecommenderTests
{
    private const int Items = 300;

    private static (Recommender Recommender, TableModel Model) Create(int seed = 1)
    {
        var model = new TableModel(Items, 16, seed);
        return (new Recommender(model, TableModel.SourceIds(Items), null), model);
    }

    private static string[] Ids(params long[] ids) => [.. ids.Select(id => $"item-{id}")];

    [Fact]
    public void RankingEqualsBruteForceWithSeenItemsExcluded()
    {
        var (recommender, model) = Create();
        using var _ = recommender;
        var random = new Random(2);
        for (int user = 0; user < 50; user++)
        {
            var history = Enumerable.Range(0, random.Next(1, 12)).Select(_ => (long)random.Next(1, Items + 1)).ToArray();
            var result = recommender.Recommend(Ids(history), 10);
            var expected = model.BruteForce(history, id => !history.Contains(id)).Take(10).ToList();
            Assert.Equal(expected.Select(e => e.Id), result.Items.Select(i => i.ItemId));
            Assert.All(result.Items.Zip(expected), pair => Assert.Equal(pair.Second.Score, pair.First.Score, tolerance: 1e-4));
            Assert.Equal(history.Length, result.HistoryItemsUsed);
            Assert.Empty(result.UnknownHistoryItems);
        }
    }

    [Fact]
    public void SeenItemsComeBackOnlyWhenAsked()
    {
        var (recommender, model) = Create();
        using var _ = recommender;
        long[] history = [5, 17, 42];
        // The newest item's own vector dominates the user vector, so it tops the unfiltered ranking.
        var unfiltered = model.BruteForce(history, _ => true);
        Assert.Contains(unfiltered.Take(10), e => Ids(history).Contains(e.Id));

        var excluded = recommender.Recommend(Ids(history), 10);
        Assert.DoesNotContain(excluded.Items, i => Ids(history).Contains(i.ItemId));
        var included = recommender.Recommend(Ids(history), 10, new RecommendationOptions { ExcludeSeen = false });
        Assert.Equal(unfiltered.Take(10).Select(e => e.Id), included.Items.Select(i => i.ItemId));
    }

    [Fact]
    public void AllowAndDenyListsAreHonoured()
    {
        var (recommender, model) = Create();
        using var _ = recommender;
        long[] history = [3, 9];
        var allowed = Enumerable.Range(1, 40).Select(id => (long)id).ToHashSet();
        var denied = model.BruteForce(history, id => allowed.Contains(id) && !history.Contains(id)).Take(3).Select(e => e.Id).ToArray();
        var options = new RecommendationOptions { AllowedItems = Ids([.. allowed]), ExcludedItems = denied };

        var result = recommender.Recommend(Ids(history), 10, options);

        var expected = model.BruteForce(history, id => allowed.Contains(id) && !history.Contains(id) && !denied.Contains($"item-{id}")).Take(10);
        Assert.Equal(expected.Select(e => e.Id), result.Items.Select(i => i.ItemId));
        Assert.DoesNotContain(result.Items, i => denied.Contains(i.ItemId));
    }

    [Fact]
    public void UnknownIdsAreSkippedAndReported()
    {
        var (recommender, _) = Create();
        using var __ = recommender;
        var known = recommender.Recommend(Ids(4, 8), 5);

        var mixed = recommender.Recommend(["nope", "item-4", "", "item-8", "item-999"], 5,
            new RecommendationOptions { ExcludedItems = ["gone"], AllowedItems = [.. Ids(Enumerable.Range(1, Items).Select(i => (long)i).ToArray()), "new"] });

        Assert.Equal(known.Items, mixed.Items);
        Assert.Equal(2, mixed.HistoryItemsUsed);
        Assert.Equal(["nope", "", "item-999"], mixed.UnknownHistoryItems);
        Assert.Equal(["gone", "new"], mixed.UnknownFilterItems.Order(StringComparer.Ordinal));

        var nothingKnown = recommender.Recommend(["a", "b"], 5);
        Assert.Empty(nothingKnown.Items);
        Assert.Equal(0, nothingKnown.HistoryItemsUsed);
        Assert.Equal(["a", "b"], nothingKnown.UnknownHistoryItems);
        Assert.Empty(recommender.Recommend([], 5).Items);
    }

    [Fact]
    public void KBeyondTheCatalogueReturnsEveryUnseenItem()
    {
        var (recommender, _) = Create();
        using var _ = recommender;
        Assert.Equal(Items - 2, recommender.Recommend(Ids(1, 2), Items * 10).Items.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => recommender.Recommend(Ids(1), 0));
    }

    [Fact]
    public async Task BatchAndAsyncEqualSingleCalls()
    {
        var (recommender, _) = Create();
        using var _ = recommender;
        IReadOnlyList<string>[] histories = [Ids(1, 2, 3), ["unknown"], Ids(50), Ids(7, 7, 8)];
        var options = new RecommendationOptions { ExcludedItems = Ids(10, 11) };

        var batch = recommender.RecommendBatch(histories, 7, options);
        var batchAsync = await recommender.RecommendBatchAsync(histories, 7, options);

        for (int i = 0; i < histories.Length; i++)
        {
            var single = recommender.Recommend(histories[i], 7, options);
            Assert.Equal(single.Items, batch[i].Items);
            Assert.Equal(single.UnknownHistoryItems, batch[i].UnknownHistoryItems);
            Assert.Equal(single.Items, batchAsync[i].Items);
            Assert.Equal(single.Items, (await recommender.RecommendAsync(histories[i], 7, options)).Items);
        }
    }

    [Fact]
    public async Task CancelledAsyncCallDoesNotRun()
    {
        var (recommender, _) = Create();
        using var _ = recommender;
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recommender.RecommendAsync(Ids(1), 5, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void ANonFiniteUserVectorIsAnErrorNotAnEmptyResult()
    {
        using var recommender = new Recommender(new DivergedModel(), ["a", "b", "c"], null);
        Assert.Throws<InvalidOperationException>(() => recommender.Recommend(["a"], 2));
    }

    [Fact]
    public void SourceIdsMustMatchTheModelAndBeDistinct()
    {
        var model = new TableModel(3, 4, 1);
        Assert.Throws<ArgumentException>(() => new Recommender(model, ["a", "b"], null));
        Assert.Throws<ArgumentException>(() => new Recommender(model, ["a", "b", "a"], null));
    }

    /// <summary>A model whose weights diverged: finite item vectors, NaN user vectors.</summary>
    private sealed class DivergedModel : IVectorScoringModel
    {
        public int ItemCount => 3;

        public ItemVectors ItemVectors() => new([1, 0, 0, 1, 1, 1], 2);

        public float[] UserVectors(IReadOnlyList<long[]> histories) => [.. Enumerable.Repeat(float.NaN, histories.Count * 2)];
    }
}
