using LlmCfsr.Data;
using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison.Tests;

public sealed class PopularityBreakdownTests
{
    [Fact]
    public void BucketsSplitTestUsersAtQuantilesOfTargetPopularityAndPoolSeeds()
    {
        // Items 1..4; every user's test target is the last item. Popularity = distinct users containing the item:
        // item 1 is in every sequence (4), item 2 in users 1-2 (2), item 3 in user 3 (1), item 4 in user 4 (1).
        // Test targets: u1 -> 2 (pop 2), u2 -> 2 (pop 2), u3 -> 3 (pop 1), u4 -> 4 (pop 1).
        var dataset = new PreparedDataset("toy", ["u1", "u2", "u3", "u4"], ["i1", "i2", "i3", "i4"],
            [[1, 1, 2], [1, 1, 2], [1, 1, 3], [1, 1, 4]],
            Enumerable.Repeat(ItemAttributes.Empty, 4).ToArray());
        var result = new ComparisonResult
        {
            Dataset = dataset,
            Models = ["a", "b"],
            Seeds = [1, 2],
            Protocols = ["sampled:100"],
            Runs = [Run("a", 1, 0, 20, 0, 0), Run("a", 2, 0, 0, 20, 20), Fixtures.Failed("b", 1, "x"), Fixtures.Failed("b", 2, "x")],
        };
        var breakdown = PopularityBreakdown.Compute(result, "sampled:100", buckets: 2);
        // Sorted popularities (1, 1, 2, 2): medians split them into {1} and {2}.
        Assert.Equal([new PopularityBucket(1, 1, 2), new PopularityBucket(2, 2, 2)], breakdown.Buckets);
        // Model a, bucket pop 1 = users 3, 4: NDCG 1, 1 (seed 1) and 0, 0 (seed 2) -> 0.5;
        // bucket pop 2 = users 1, 2: 1, 0 (seed 1) and 1, 1 (seed 2) -> 0.75.
        Assert.Equal([0.5, 0.75], breakdown.Values["a"]);
        Assert.False(breakdown.Values.ContainsKey("b"));
    }

    private static ComparisonRun Run(string model, int seed, params long[] ranks) => new()
    {
        Model = model,
        Seed = seed,
        RunDirectory = "/runs",
        Reports = new Dictionary<string, EvaluationReport>
        {
            ["sampled:100"] = new(EvaluationProtocol.Sampled(100), DataSplit.Test, [10], [1, 2, 3, 4], ranks, new bool[4], new bool[4], "toy"),
        },
    };
}
