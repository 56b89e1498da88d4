using LlmCfsr.Recommendation;
using Xunit;

namespace LlmCfsr.Testing;

/// <summary>
/// The conformance suite every <see cref="IItemIndex"/> must pass. Derive a test class and return your factory from
/// <see cref="CreateFactory"/>; xunit runs every check on a seeded synthetic catalogue (Gaussian clusters, the shape
/// of trained item tables): an exact index returns the brute-force top-k (double-precision reference), an
/// approximate one reaches <see cref="MinimumRecallAt10"/>; every index returns true inner products best first,
/// honours allow-lists and exclusions exactly, agrees between single and batched searches and between sequential
/// and concurrent ones, and rejects malformed queries.
/// </summary>
public abstract class ItemIndexConformanceTests
{
    private const int K = 10;

    /// <summary>The factory under test.</summary>
    protected abstract IItemIndexFactory CreateFactory();

    /// <summary>Items in the synthetic catalogue.</summary>
    protected virtual int ItemCount => 4_000;

    /// <summary>Vector length.</summary>
    protected virtual int Dimensions => 32;

    /// <summary>Queries per check.</summary>
    protected virtual int QueryCount => 100;

    /// <summary>Mean recall@10 against the exact top-10 an approximate index must reach.</summary>
    protected virtual double MinimumRecallAt10 => 0.9;

    /// <summary>Absolute tolerance on scores (float32 sums against the double reference).</summary>
    protected virtual double ScoreTolerance => 1e-3;

    /// <summary>An exact index returns the brute-force top-k; an approximate one reaches the recall floor.</summary>
    [Fact]
    public void TopKMatchesBruteForce()
    {
        var (items, queries) = Catalogue(1);
        using var index = CreateFactory().Build(items);
        Assert.Equal(ItemCount, index.Count);
        Assert.Equal(Dimensions, index.Dimensions);
        double recall = 0;
        for (int q = 0; q < QueryCount; q++)
        {
            var query = Row(queries, q);
            var expected = BruteForce(items, query, K, null);
            var actual = index.Search(query, K);
            Assert.Equal(K, actual.Count);
            if (index.IsExact)
            {
                // Ties within the tolerance may swap: compare scores rank by rank, then the ids above the boundary.
                for (int r = 0; r < K; r++)
                {
                    Assert.True(Math.Abs(expected[r].Score - actual[r].Score) <= ScoreTolerance, $"query {q} rank {r}: {actual[r].Score} vs brute force {expected[r].Score}");
                }
                var boundary = expected[K - 1].Score + ScoreTolerance;
                Assert.Equal(expected.Where(m => m.Score > boundary).Select(m => m.Item).Order(), actual.Where(m => m.Score > boundary).Select(m => m.Item).Order());
            }
            recall += expected.Select(m => m.Item).Intersect(actual.Select(m => m.Item)).Count() / (double)K;
        }
        recall /= QueryCount;
        Assert.True(index.IsExact || recall >= MinimumRecallAt10, $"recall@{K} {recall:F3} below the floor {MinimumRecallAt10}");
    }

    /// <summary>Scores are the true inner products of the returned rows, best first.</summary>
    [Fact]
    public void ScoresAreInnerProductsBestFirst()
    {
        var (items, queries) = Catalogue(2);
        using var index = CreateFactory().Build(items);
        for (int q = 0; q < 20; q++)
        {
            var query = Row(queries, q);
            var matches = index.Search(query, K);
            for (int r = 0; r < matches.Count; r++)
            {
                Assert.InRange(matches[r].Item, 0, ItemCount - 1);
                Assert.True(Math.Abs(Dot(items.Row(matches[r].Item), query) - matches[r].Score) <= ScoreTolerance, $"row {matches[r].Item}: score {matches[r].Score}");
                if (r > 0)
                {
                    Assert.True(matches[r - 1].Score >= matches[r].Score, "results must come best first");
                }
            }
            Assert.Equal(matches.Count, matches.Select(m => m.Item).Distinct().Count());
        }
    }

    /// <summary>Excluded rows never come back, and k results still do.</summary>
    [Fact]
    public void ExclusionsAreHonoured()
    {
        var (items, queries) = Catalogue(3);
        using var index = CreateFactory().Build(items);
        for (int q = 0; q < 20; q++)
        {
            var query = Row(queries, q);
            // Exclude the query's own true top-50: the answer must come from further down the list.
            var excluded = BruteForce(items, query, 50, null).Select(m => m.Item).ToHashSet();
            var filter = new ItemFilter(null, excluded);
            var matches = index.Search(query, K, filter);
            Assert.Equal(K, matches.Count);
            Assert.DoesNotContain(matches, m => excluded.Contains(m.Item));
            if (index.IsExact)
            {
                Assert.Equal(BruteForce(items, query, K, filter).Select(m => m.Item).Order(), matches.Select(m => m.Item).Order());
            }
        }
    }

    /// <summary>Only allow-listed rows come back, for a small and a large allow-list, minus exclusions.</summary>
    [Fact]
    public void AllowListsAreHonoured()
    {
        var (items, queries) = Catalogue(4);
        using var index = CreateFactory().Build(items);
        var random = new Random(5);
        foreach (int size in new[] { 25, ItemCount / 2 })
        {
            var allowed = Enumerable.Range(0, ItemCount).OrderBy(_ => random.Next()).Take(size).ToHashSet();
            var excluded = allowed.Take(5).ToHashSet();
            var filter = new ItemFilter(allowed, excluded);
            for (int q = 0; q < 10; q++)
            {
                var query = Row(queries, q);
                var matches = index.Search(query, K, filter);
                Assert.Equal(K, matches.Count);
                Assert.All(matches, m => Assert.True(allowed.Contains(m.Item) && !excluded.Contains(m.Item), $"row {m.Item} is not allowed"));
                if (index.IsExact || size <= 25)
                {
                    Assert.Equal(BruteForce(items, query, K, filter).Select(m => m.Item).Order(), matches.Select(m => m.Item).Order());
                }
            }
        }
    }

    /// <summary>A filter accepting fewer than k rows returns exactly those; k above the catalogue returns it all.</summary>
    [Fact]
    public void FewerCandidatesThanKReturnsThemAll()
    {
        var (items, queries) = Catalogue(6);
        using var index = CreateFactory().Build(items);
        var query = Row(queries, 0);
        var allowed = new HashSet<int> { 3, 30, 300 };
        var matches = index.Search(query, K, new ItemFilter(allowed, new HashSet<int> { 30 }));
        Assert.Equal(new[] { 3, 300 }, matches.Select(m => m.Item).Order());
        Assert.Equal(ItemCount, index.Search(query, ItemCount + 5).Count);
    }

    /// <summary>A batch returns what the single searches return, query by query.</summary>
    [Fact]
    public void BatchEqualsSingleSearches()
    {
        var (items, queries) = Catalogue(7);
        using var index = CreateFactory().Build(items);
        int count = 12;
        var filters = Enumerable.Range(0, count).Select(i => i % 3 == 0 ? null : new ItemFilter(i % 3 == 1 ? null : Enumerable.Range(0, 40).ToHashSet(), new HashSet<int> { i, i + 1 })).ToList();
        var batch = index.SearchBatch(queries.AsSpan(0, count * Dimensions), K, filters);
        Assert.Equal(count, batch.Count);
        for (int q = 0; q < count; q++)
        {
            Assert.Equal(index.Search(Row(queries, q), K, filters[q]), batch[q]);
        }
    }

    /// <summary>Many threads searching at once get what one thread gets.</summary>
    [Fact]
    public void ConcurrentSearchesEqualSequentialOnes()
    {
        var (items, queries) = Catalogue(8);
        using var index = CreateFactory().Build(items);
        var filter = new ItemFilter(null, new HashSet<int> { 1, 2, 3 });
        var sequential = Enumerable.Range(0, QueryCount).Select(q => index.Search(Row(queries, q), K, filter)).ToList();
        var concurrent = new IReadOnlyList<ItemMatch>[QueryCount * 4];
        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i => concurrent[i] = index.Search(Row(queries, i % QueryCount), K, filter));
        for (int i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(sequential[i % QueryCount], concurrent[i]);
        }
    }

    /// <summary>A query of the wrong length and a non-positive k are argument errors.</summary>
    [Fact]
    public void MalformedQueriesAreRejected()
    {
        var (items, _) = Catalogue(9);
        using var index = CreateFactory().Build(items);
        Assert.ThrowsAny<ArgumentException>(() => index.Search(new float[Dimensions + 1], K));
        Assert.ThrowsAny<ArgumentException>(() => index.Search(new float[Dimensions], 0));
    }

    /// <summary>Seeded Gaussian clusters: items and queries near 32 random centres.</summary>
    protected (ItemVectors Items, float[] Queries) Catalogue(int seed)
    {
        var random = new Random(seed);
        int clusters = 32;
        var centres = new float[clusters * Dimensions];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)Gaussian(random);
        }
        float[] Sample(int count, double spread)
        {
            var values = new float[count * Dimensions];
            for (int n = 0; n < count; n++)
            {
                int centre = random.Next(clusters);
                for (int j = 0; j < Dimensions; j++)
                {
                    values[(n * Dimensions) + j] = centres[(centre * Dimensions) + j] + (float)(spread * Gaussian(random));
                }
            }
            return values;
        }
        return (new ItemVectors(Sample(ItemCount, 0.5), Dimensions), Sample(QueryCount, 0.5));
    }

    private float[] Row(float[] queries, int q) => queries.AsSpan(q * Dimensions, Dimensions).ToArray();

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Dot(ReadOnlySpan<float> item, float[] query)
    {
        double sum = 0;
        for (int j = 0; j < query.Length; j++)
        {
            sum += (double)item[j] * query[j];
        }
        return sum;
    }

    /// <summary>Every accepted row scored in double precision, sorted by score (then row).</summary>
    private static List<(int Item, double Score)> BruteForce(ItemVectors items, float[] query, int k, ItemFilter? filter)
        => Enumerable.Range(0, items.Count)
            .Where(row => filter is null || filter.Accepts(row))
            .Select(row => (Item: row, Score: Dot(items.Row(row), query)))
            .OrderByDescending(m => m.Score).ThenBy(m => m.Item)
            .Take(k)
            .ToList();
}
