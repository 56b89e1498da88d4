using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison.Tests;

public sealed class ComparisonTableTests
{
    // Model "a": seed 1 ranks (0, 0, 20, 20) -> overall HR@10 = NDCG@10 = 2/4 = 0.5; seed 2 ranks (0, 20, 20, 20) -> 0.25.
    // Model "b": seed 1 ranks (0, 20, 20, 20) -> 0.25; seed 2 all 20 -> 0.
    // Model "c" failed on both seeds.
    private static ComparisonTable Table() => ComparisonTable.Build(
        ["a", "b", "c"],
        [
            Fixtures.Run("a", 1, 0, 0, 20, 20), Fixtures.Run("a", 2, 0, 20, 20, 20),
            Fixtures.Run("b", 1, 0, 20, 20, 20), Fixtures.Run("b", 2, 20, 20, 20, 20),
            Fixtures.Failed("c", 1, "ArgumentException: boom"), Fixtures.Failed("c", 2, "ArgumentException: boom"),
        ],
        "sampled:100");

    [Fact]
    public void CellsAreMeanAndSampleStandardDeviationOverSeeds()
    {
        var table = Table();
        int overallNdcg = IndexOf(table, EvaluationGroupNames.Overall, "NDCG@10");
        // a: mean(0.5, 0.25) = 0.375; sample std = sqrt(2 * 0.125^2 / 1) = 0.125 * sqrt(2).
        var a = table.Rows[0].Cells[overallNdcg]!;
        Assert.Equal(0.375, a.Mean, 12);
        Assert.Equal(0.125 * Math.Sqrt(2), a.StandardDeviation, 12);
        Assert.Equal(2, a.Seeds);
        // b: mean(0.25, 0) = 0.125, same spread.
        var b = table.Rows[1].Cells[overallNdcg]!;
        Assert.Equal(0.125, b.Mean, 12);
        Assert.Equal(0.125 * Math.Sqrt(2), b.StandardDeviation, 12);
        // Tail-item group = users 1 and 3: a has ranks (0, 20) then (0, 20) -> 0.5 both seeds, std 0.
        var aTail = table.Rows[0].Cells[IndexOf(table, EvaluationGroupNames.TailItem, "HR@10")]!;
        Assert.Equal(0.5, aTail.Mean, 12);
        Assert.Equal(0.0, aTail.StandardDeviation, 12);
    }

    [Fact]
    public void FailedModelKeepsItsRowWithErrorsAndNoCells()
    {
        var row = Table().Rows[2];
        Assert.Equal("c", row.Model);
        Assert.Empty(row.SucceededSeeds);
        Assert.Equal(2, row.Runs);
        Assert.All(row.Cells, Assert.Null);
        Assert.Equal([new ComparisonRunFailure(1, "ArgumentException: boom"), new ComparisonRunFailure(2, "ArgumentException: boom")], row.Failures);
    }

    [Fact]
    public void BestIsTheHighestMeanAndTiesAreAllBold()
    {
        var table = Table();
        int overallNdcg = IndexOf(table, EvaluationGroupNames.Overall, "NDCG@10");
        Assert.Equal("a", table.Significance[overallNdcg].Best);
        Assert.Equal("b", table.Significance[overallNdcg].RunnerUp);
        Assert.True(table.IsBest(0, overallNdcg));
        Assert.False(table.IsBest(1, overallNdcg));
        Assert.False(table.IsBest(2, overallNdcg));
        // Head-user group = users 3 and 4: rank 20 for both models and seeds -> 0 for both: a tie, both bold.
        int headUserNdcg = IndexOf(table, EvaluationGroupNames.HeadUser, "NDCG@10");
        Assert.True(table.IsBest(0, headUserNdcg));
        Assert.True(table.IsBest(1, headUserNdcg));
    }

    [Fact]
    public void TTestPoolsPerUserValuesOverSeedsInUserOrder()
    {
        var table = Table();
        int overallNdcg = IndexOf(table, EvaluationGroupNames.Overall, "NDCG@10");
        // Seed 1 then seed 2, users 1..4 each: the per-user NDCG@10 of the ranks above.
        double[] best = [1, 1, 0, 0, 1, 0, 0, 0];
        double[] runnerUp = [1, 0, 0, 0, 0, 0, 0, 0];
        var expected = PairedTTest.Compute(best, runnerUp);
        var actual = table.Significance[overallNdcg].Test;
        Assert.NotNull(actual);
        Assert.Equal(expected, actual);
        Assert.Equal(8, actual.Pairs);
        // Mean difference = (0 + 1 + 0 + 0 + 1 + 0 + 0 + 0) / 8.
        Assert.Equal(0.25, actual.MeanDifference, 12);
    }

    [Fact]
    public void TTestUsesOnlySeedsBothModelsCompleted()
    {
        var table = ComparisonTable.Build(
            ["a", "b"],
            [Fixtures.Run("a", 1, 0, 0, 20, 20), Fixtures.Run("a", 2, 0, 20, 20, 20), Fixtures.Run("b", 1, 0, 20, 20, 20), Fixtures.Failed("b", 2, "x")],
            "sampled:100");
        var test = table.Significance[IndexOf(table, EvaluationGroupNames.Overall, "NDCG@10")].Test!;
        Assert.Equal(PairedTTest.Compute([1.0, 1, 0, 0], [1.0, 0, 0, 0]), test);
    }

    [Fact]
    public void SingleModelHasNoTest()
    {
        var table = ComparisonTable.Build(["a"], [Fixtures.Run("a", 1, 0, 0, 20, 20)], "sampled:100");
        Assert.All(table.Significance, s => Assert.Null(s.Test));
        Assert.All(table.Significance, s => Assert.Equal("a", s.Best));
        // One seed: no standard deviation.
        Assert.True(double.IsNaN(table.Rows[0].Cells[0]!.StandardDeviation));
    }

    [Fact]
    public void ColumnsAreThePapersGroupsTimesHrAndNdcg()
    {
        Assert.Equal(
            ["Overall HR@10", "Overall NDCG@10", "Tail Item HR@10", "Tail Item NDCG@10", "Head Item HR@10", "Head Item NDCG@10",
             "Tail User HR@10", "Tail User NDCG@10", "Head User HR@10", "Head User NDCG@10"],
            Table().Columns.Select(c => c.Label));
    }

    private static int IndexOf(ComparisonTable table, string group, string metric)
        => table.Columns.ToList().FindIndex(c => c.Group == group && c.Metric == metric);
}
