using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;

namespace LlmCfsr.Data.Tests;

/// <summary>
/// The sampled candidates of validation and test: independent streams per (evaluation seed, split, user), results
/// that depend on neither the batch size nor the order of users, and exact uniform / popularity-proportional draws.
/// </summary>
public class EvaluationCandidateTests
{
    /// <summary>
    /// 0.999 quantile of the chi-square distribution with 49 degrees of freedom (tables: 85.35). The draws are
    /// seeded, so the test is deterministic; a correct sampler lands above it with probability 0.001 for a random
    /// seed, while a biased one (e.g. modulo bias, an off-by-one that never draws the last item) exceeds it by far.
    /// Draws without replacement within a user are less variable than multinomial ones, which only makes the
    /// statistic smaller for a correct sampler.
    /// </summary>
    private const double ChiSquare49At999 = 85.35;

    private static PreparedDataset Synthetic(int users, int items, int seed) =>
        SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = users, Items = items, Seed = seed }).Dataset;

    private static float[,] RandomTable(int items, int seed)
    {
        var random = new Random(seed);
        var table = new float[items + 1, items + 1];
        for (int r = 0; r <= items; r++)
        {
            for (int c = 0; c <= items; c++)
            {
                table[r, c] = random.Next(5); // few distinct values: many ties
            }
        }
        return table;
    }

    [Theory]
    [InlineData("sampled:20")]
    [InlineData("popularity:20")]
    public void ValidationAndTestCandidatesAreDrawnIndependently(string protocol)
    {
        var data = Synthetic(80, 200, 4);
        var scorer = new TableScorer(new float[201, 201]);
        var options = new EvaluationOptions { Protocol = EvaluationProtocol.Parse(protocol), BatchSize = 32 };
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Validation, options);
        var validation = NegativeSets(scorer);
        scorer.Candidates.Clear();
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Test, options);
        var test = NegativeSets(scorer);

        // Both splits exclude the whole sequence; sharing one stream would give every user the same 20 negatives
        // on both. Independent draws of 20 of ~190 items coincide with probability ~1e-28.
        Assert.Equal(80, validation.Count);
        Assert.Empty(validation.Intersect(test));
    }

    [Theory]
    [InlineData("sampled:20")]
    [InlineData("popularity:20")]
    public void TestMetricsDoNotChangeWithTheBatchSizeOrTheUserOrder(string protocol)
    {
        var data = Synthetic(90, 120, 6);
        // The same users listed in reverse order (same items, so the same item ids).
        var reversed = new PreparedDataset(data.Name, data.UserSourceIds.Reverse().ToArray(), data.ItemSourceIds.ToArray(),
            data.Sequences.Reverse().ToArray(), data.ItemAttributes.ToArray());
        var table = RandomTable(120, 9);
        EvaluationReport Run(PreparedDataset dataset, int batchSize) => RankingEvaluator.Evaluate(new TableScorer(table), dataset, DataSplit.Test,
            new EvaluationOptions { Protocol = EvaluationProtocol.Parse(protocol), BatchSize = batchSize, Seed = 11 });
        Dictionary<string, long> RanksBySourceId(PreparedDataset dataset, EvaluationReport report) =>
            report.Users.Select((user, j) => (dataset.UserSourceIds[user - 1], report.Ranks[j])).ToDictionary(p => p.Item1, p => p.Item2);

        var reference = Run(data, 256);
        var expected = RanksBySourceId(data, reference);
        foreach (int batchSize in new[] { 1, 7, 64 })
        {
            Assert.Equal(reference.Ranks, Run(data, batchSize).Ranks);
        }
        var reordered = Run(reversed, 13);
        Assert.Equal(expected, RanksBySourceId(reversed, reordered));
        Assert.Equal(reference.Groups["overall"]["NDCG@10"], reordered.Groups["overall"]["NDCG@10"], 12);
    }

    [Fact]
    public void ValidationCandidatesAreTheSameAtEveryEvaluation()
    {
        var data = Synthetic(40, 100, 8);
        var scorer = new TableScorer(new float[101, 101]);
        var options = new EvaluationOptions { Protocol = EvaluationProtocol.Sampled(10), BatchSize = 16 };
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Validation, options);
        var first = NegativeSets(scorer);
        scorer.Candidates.Clear();
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Test, options);
        scorer.Candidates.Clear();
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Validation, options);
        Assert.Equal(first, NegativeSets(scorer));
    }

    [Theory]
    [InlineData(10)] // 2 * (3 seen + 10) <= 50: rejection sampling
    [InlineData(30)] // 2 * (3 seen + 30) > 50: partial Fisher-Yates over the unseen items
    public void UniformNegativesPassAChiSquareTest(int negatives)
    {
        var data = ThreeItemUsers(items: 50, users: 2_000);
        var sampler = new EvaluationCandidateSampler(data, EvaluationProtocol.Sampled(negatives), seed: 2024);
        var observed = new double[51];
        var expected = new double[51];
        var buffer = new long[negatives];
        for (int user = 1; user <= data.UserCount; user++)
        {
            sampler.Sample(user, DataSplit.Test, buffer);
            foreach (long item in buffer)
            {
                observed[item]++;
            }
            // Each of the 47 unseen items is among the negatives with probability negatives / 47.
            foreach (int item in Enumerable.Range(1, 50).Except(data.Sequences[user - 1]))
            {
                expected[item] += negatives / 47.0;
            }
        }
        Assert.InRange(ChiSquare(observed, expected), 0, ChiSquare49At999);
    }

    [Theory]
    [InlineData(1)]    // weights 1..50: rejection through the alias table
    [InlineData(2000)] // item 1 carries most of the weight: exact Gumbel-top-k over the unseen items
    public void PopularityNegativesFollowTheWeights(int firstWeight)
    {
        var data = ThreeItemUsers(items: 50, users: 4_000);
        var weights = Enumerable.Range(0, 51).Select(i => i == 1 ? firstWeight : i).ToArray();
        var sampler = new EvaluationCandidateSampler(data, EvaluationProtocol.Popularity(1), seed: 2024, weights);
        var observed = new double[51];
        var expected = new double[51];
        var buffer = new long[1];
        for (int user = 1; user <= data.UserCount; user++)
        {
            sampler.Sample(user, DataSplit.Test, buffer);
            observed[buffer[0]]++;
            // One negative: drawn with probability weight / (weight of the unseen items).
            var unseen = Enumerable.Range(1, 50).Except(data.Sequences[user - 1]).ToArray();
            double mass = unseen.Sum(i => (double)weights[i]);
            foreach (int item in unseen)
            {
                expected[item] += weights[item] / mass;
            }
        }
        Assert.InRange(ChiSquare(observed, expected), 0, ChiSquare49At999);
    }

    [Fact]
    public void TooFewItemsFailBeforeAnyDraw()
    {
        var error = Assert.Throws<ArgumentException>(() => new EvaluationCandidateSampler(Fixtures.TwoUsers(), EvaluationProtocol.Sampled(4), 1));
        Assert.Contains("cannot sample 4 negatives", error.Message);
    }

    /// <summary>Users who each interacted with 3 distinct items chosen by a seeded generator.</summary>
    private static PreparedDataset ThreeItemUsers(int items, int users)
    {
        var random = new Random(17);
        var sequences = Enumerable.Range(0, users)
            .Select(_ => Enumerable.Range(1, items).OrderBy(_ => random.Next()).Take(3).ToArray())
            .ToArray();
        return new PreparedDataset("three-item-users",
            Enumerable.Range(1, users).Select(u => $"u{u}").ToArray(),
            Enumerable.Range(1, items).Select(i => $"i{i}").ToArray(),
            sequences,
            Enumerable.Repeat(ItemAttributes.Empty, items).ToArray());
    }

    /// <summary>Pearson's statistic over items 1..n (index 0 is padding).</summary>
    private static double ChiSquare(double[] observed, double[] expected) =>
        Enumerable.Range(1, observed.Length - 1).Sum(i => (observed[i] - expected[i]) * (observed[i] - expected[i]) / expected[i]);

    /// <summary>Every recorded row's negatives as a sorted, comma-joined set, one per user.</summary>
    private static HashSet<string> NegativeSets(TableScorer scorer) => scorer.Candidates
        .SelectMany(batch => Enumerable.Range(0, batch.GetLength(0))
            .Select(row => string.Join(',', Enumerable.Range(1, batch.GetLength(1) - 1).Select(k => batch[row, k]).Order())))
        .ToHashSet();
}
