using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison.Tests;

public sealed class ComparisonWriterTests
{
    private static ComparisonTable Table() => ComparisonTable.Build(
        ["a", "b", "c|d"],
        [
            // a: seed 1 stopped by patience 3 after its best epoch 2; seed 2 hit the 5-epoch cap 1 epoch after its best.
            Fixtures.Run("a", 1, 0, 0, 20, 20) with { Manifest = Fixtures.Manifest(epochs: 5, bestEpoch: 2, patience: 3) },
            Fixtures.Run("a", 2, 0, 20, 20, 20) with { Manifest = Fixtures.Manifest(epochs: 5, bestEpoch: 4, patience: 3) },
            Fixtures.Run("b", 1, 0, 20, 20, 20) with { Manifest = Fixtures.Manifest(epochs: 4, bestEpoch: 1, patience: 3) },
            Fixtures.Run("b", 2, 20, 20, 20, 20) with { Manifest = Fixtures.Manifest(epochs: 3, bestEpoch: 0, patience: 3) },
            Fixtures.Failed("c|d", 1, "ArgumentException: no model, \"c|d\"\nregistered"),
        ],
        "sampled:100",
        [new ComparisonColumn(EvaluationGroupNames.Overall, "NDCG@10")]);

    [Fact]
    public void MarkdownHasTheExactShape()
    {
        var t = PairedTTest.Compute([1.0, 1, 0, 0, 1, 0, 0, 0], [1.0, 0, 0, 0, 0, 0, 0, 0]);
        string expected =
            "## Protocol `sampled:100`\n\n" +
            "| Model | Runs | Epochs | Overall NDCG@10 |\n" +
            "| --- | ---: | ---: | ---: |\n" +
            "| a | 2/2 | 5, 5† | **0.3750 ± 0.1768†** |\n" +
            "| b | 2/2 | 4, 3 | 0.1250 ± 0.1768 |\n" +
            "| c\\|d | 0/1 | – | – |\n" +
            "\nMean ± sample standard deviation over seeds; best per column in bold. Epochs: trained per seed; † marks a run (and its model's cells) " +
            "that did not converge: it reached the epoch cap before validation NDCG@10 stopped improving for the patience, so its numbers may still rise.\n" +
            "Long-tail groups `pareto`: tail items: all but the 20% most popular, tail users: the 80% with the shortest whole sequence (popularity = distinct users over all interactions).\n\n" +
            "Paired t-test of the best against the runner-up (per-user values, pooled over the seeds both completed):\n\n" +
            "| Column | Best | Runner-up | Mean difference | t | p | Pairs |\n" +
            "| --- | --- | --- | ---: | ---: | ---: | ---: |\n" +
            $"| Overall NDCG@10 | a | b | 0.2500 | {t.T.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} | {t.PValue.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} | 8 |\n" +
            "\nFailed runs:\n\n" +
            "- c|d, seed 1: ArgumentException: no model, \"c|d\" registered\n";
        Assert.Equal(expected, ComparisonMarkdown.Write(Table()));
        // d = (0,1,0,0,1,0,0,0): mean 0.25, squared deviations 2 * 0.75^2 + 6 * 0.25^2 = 1.5, sample variance 1.5 / 7,
        // t = 0.25 / sqrt(1.5 / 7 / 8) = sqrt(7 / 3) = 1.5275.
        Assert.Equal(Math.Sqrt(7.0 / 3.0), t.T, 9);
    }

    [Fact]
    public void CsvHasTheExactShape()
    {
        double std = 0.125 * Math.Sqrt(2);
        string s = std.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        string expected =
            "model,runs,succeeded,epochs,converged,Overall NDCG@10 mean,Overall NDCG@10 std,best_in,errors\r\n" +
            $"a,2,2,5;5,1,0.375,{s},Overall NDCG@10,\r\n" +
            $"b,2,2,4;3,2,0.125,{s},,\r\n" +
            "c|d,1,0,,0,,,,\"seed 1: ArgumentException: no model, \"\"c|d\"\"\nregistered\"\r\n";
        Assert.Equal(expected, ComparisonCsv.WriteTable(Table()));
    }

    [Fact]
    public void SignificanceCsvHasTheExactShape()
    {
        var t = PairedTTest.Compute([1.0, 1, 0, 0, 1, 0, 0, 0], [1.0, 0, 0, 0, 0, 0, 0, 0]);
        string R(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        string expected =
            "column,best,runner_up,mean_difference,t,df,p,pairs,note\r\n" +
            $"Overall NDCG@10,a,b,0.25,{R(t.T)},7,{R(t.PValue)},8,\r\n";
        Assert.Equal(expected, ComparisonCsv.WriteSignificance(Table()));
    }

    [Fact]
    public void PaperTableHeaderListsEveryColumn()
    {
        var table = ComparisonTable.Build(["a"], [Fixtures.Run("a", 1, 0, 0, 20, 20)], "sampled:100");
        var lines = ComparisonMarkdown.Write(table).Split('\n');
        Assert.Equal(
            "| Model | Runs | Epochs | Overall HR@10 | Overall NDCG@10 | Tail Item HR@10 | Tail Item NDCG@10 | Head Item HR@10 | Head Item NDCG@10 | Tail User HR@10 | Tail User NDCG@10 | Head User HR@10 | Head User NDCG@10 |",
            lines[2]);
        // One seed: mean only. Overall 0.5, tail item (users 1, 3) 0.5, head item (users 2, 4) 0.5, tail user (1, 2) 1, head user (3, 4) 0.
        Assert.Equal("| a | 1/1 | ? | **0.5000** | **0.5000** | **0.5000** | **0.5000** | **0.5000** | **0.5000** | **1.0000** | **1.0000** | **0.0000** | **0.0000** |", lines[4]);
    }
}
