using LlmCfsr.Evaluation;

namespace LlmCfsr.Data.Tests;

public class StatisticsTests
{
    [Theory]
    // Rank 0: HR@1 = 1, NDCG = 1/log2(2) = 1, MRR = 1.
    [InlineData("HR@1", 0, 1.0)]
    [InlineData("NDCG@10", 0, 1.0)]
    [InlineData("MRR", 0, 1.0)]
    // Rank 1: NDCG@10 = 1/log2(3) = 0.630929753571457; MRR = 1/2.
    [InlineData("NDCG@10", 1, 0.630929753571457)]
    [InlineData("MRR", 1, 0.5)]
    // Rank 9 is the 10th place: inside HR@10 (1/log2(11) = 0.289064826317888), outside HR@9.
    [InlineData("HR@10", 9, 1.0)]
    [InlineData("NDCG@10", 9, 0.289064826317888)]
    [InlineData("HR@9", 9, 0.0)]
    [InlineData("NDCG@5", 5, 0.0)]
    public void MetricValuesMatchTheirDefinitions(string metric, long rank, double expected) =>
        Assert.Equal(expected, RankingMetrics.Value(metric, rank), 12);

    [Fact]
    public void PairedTTestReproducesStudentsSleepData()
    {
        // Cushny & Peebles' sleep data as analysed by Student (1908), R's datasets::sleep: extra hours of sleep of 10
        // patients under two drugs. R: t.test(extra ~ group, data = sleep, paired = TRUE) gives
        // t = -4.0621, df = 9, p-value = 0.002833, mean difference -1.58.
        double[] drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        double[] drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        var result = PairedTTest.Compute(drug1, drug2);
        Assert.Equal(-4.0621, result.T, 4);
        Assert.Equal(9, result.DegreesOfFreedom);
        Assert.Equal(0.002833, result.PValue, 6);
        Assert.Equal(-1.58, result.MeanDifference, 12);
    }

    [Theory]
    // df = 1 is the Cauchy distribution: CDF(t) = 1/2 + atan(t)/π, so CDF(1) = 0.75 exactly.
    [InlineData(1.0, 1.0, 0.75)]
    // df = 2 has the closed form CDF(t) = 1/2 + t / (2 sqrt(t² + 2)): CDF(2) = 0.5 + 2/(2·sqrt 6) = 0.908248290463863.
    [InlineData(2.0, 2.0, 0.908248290463863)]
    // Symmetry: CDF(0) = 1/2.
    [InlineData(0.0, 7.0, 0.5)]
    // Textbook table value: t(0.975; 10) = 2.228138851986 -> CDF = 0.975.
    [InlineData(2.228138851986, 10.0, 0.975)]
    // Textbook table value: t(0.995; 30) = 2.749995653567 -> CDF = 0.995; the lower tail mirrors it.
    [InlineData(-2.749995653567, 30.0, 0.005)]
    public void StudentTCdfMatchesClosedFormsAndTables(double t, double degrees, double expected) =>
        Assert.Equal(expected, StudentTDistribution.Cdf(t, degrees), 9);

    [Fact]
    public void PairedTTestHandlesZeroVarianceAndRejectsBadInput()
    {
        var same = PairedTTest.Compute([1, 2, 3], [1, 2, 3]);
        Assert.Equal((0.0, 1.0), (same.T, same.PValue));
        var shifted = PairedTTest.Compute([2, 3, 4], [1, 2, 3]);
        Assert.Equal((double.PositiveInfinity, 0.0), (shifted.T, shifted.PValue));
        Assert.Throws<ArgumentException>(() => PairedTTest.Compute([1, 2], [1]));
        Assert.Throws<ArgumentException>(() => PairedTTest.Compute([1], [1]));
    }

    [Theory]
    [InlineData("sampled:100", EvaluationProtocolKind.Sampled, 100)]
    [InlineData("popularity:50", EvaluationProtocolKind.Popularity, 50)]
    [InlineData("full", EvaluationProtocolKind.Full, 0)]
    public void ProtocolsParseAndRoundTrip(string text, EvaluationProtocolKind kind, int negatives)
    {
        var protocol = EvaluationProtocol.Parse(text);
        Assert.Equal(kind, protocol.Kind);
        Assert.Equal(negatives, protocol.Negatives);
        Assert.Equal(text, protocol.ToString());
        Assert.Equal(protocol, EvaluationProtocol.Parse(protocol.ToString()));
    }

    [Theory]
    [InlineData("sampled")]
    [InlineData("sampled:0")]
    [InlineData("sampled:-3")]
    [InlineData("random:100")]
    [InlineData("")]
    public void BadProtocolsAreRejected(string text) => Assert.Throws<FormatException>(() => EvaluationProtocol.Parse(text));

    [Fact]
    public void EvaluationOptionsDefaultsAreTheLiteratureSettings()
    {
        var options = new EvaluationOptions();
        Assert.Equal("sampled:100", options.Protocol.ToString());
        Assert.Equal((42L, 512, 50), (options.Seed, options.BatchSize, options.MaxHistoryLength));
        Assert.Equal([5, 10, 20], options.Ks);
        Assert.Equal("cpu", options.Device.ToString());
    }

    [Fact]
    public void LongTailRulesSplitAsDocumented()
    {
        // Item popularity: item 1 in 5 users, item 2 in 4, items 3..10 in 1 each (10 items; top 20% = 2 items).
        var sequences = new List<int[]>
        {
            new[] { 1, 2, 3 }, new[] { 1, 2, 4 }, new[] { 1, 2, 5, 6 }, new[] { 1, 2, 7, 8, 9 }, new[] { 1, 10, 3, 3 },
        };
        // Item 3 appears in users 1 and 5 (twice for user 5): popularity counts distinct users, so 2.
        var data = new PreparedDataset("lt", ["a", "b", "c", "d", "e"], Enumerable.Range(1, 10).Select(i => $"{i}").ToArray(), sequences, Enumerable.Repeat(ItemAttributes.Empty, 10).ToArray());
        var pareto = LongTailGroups.Compute(data, new LongTailOptions());
        Assert.Equal([0, 5, 4, 2, 1, 1, 1, 1, 1, 1, 1], pareto.ItemPopularity);
        // Top ceil(0.2 · 10) = 2 items by popularity are 1 (5) and 2 (4): head means popularity >= 4.
        Assert.Equal(4, pareto.HeadItemMinPopularity);
        Assert.Equal(8, pareto.TailItemCount);
        // Lengths 3, 3, 4, 5, 4: head users are the top ceil(0.2 · 5) = 1 by length -> length >= 5 (user d only).
        Assert.Equal(5, pareto.HeadUserMinLength);
        Assert.Equal([false, true, true, true, false, true], pareto.IsTailUser);

        var thresholds = LongTailGroups.Compute(data, new LongTailOptions { ItemRule = LongTailItemRule.Threshold, ItemPopularityThreshold = 2, UserRule = LongTailUserRule.Threshold, UserLengthThreshold = 4 });
        Assert.Equal(7, thresholds.TailItemCount); // popularity 1 < 2: items 4..10
        Assert.Equal(2, thresholds.TailUserCount); // users a and b (length 3)
    }

    [Fact]
    public void DatasetStatisticsAreComputedFromTheSequences()
    {
        var stats = DatasetStatistics.Compute(Fixtures.TwoUsers(), new LongTailOptions { ItemRule = LongTailItemRule.Threshold, ItemPopularityThreshold = 2 });
        Assert.Equal((2, 6, 6L), (stats.Users, stats.Items, stats.Interactions));
        Assert.Equal(3.0, stats.MeanLength);
        // 6 interactions over 2 × 6 cells: sparsity 1 - 6/12 = 0.5.
        Assert.Equal(0.5, stats.Sparsity, 12);
        Assert.Equal(1.0, stats.TailItemShare);
        Assert.Equal(1.0, stats.TestTargetTailItemShare);
    }
}
