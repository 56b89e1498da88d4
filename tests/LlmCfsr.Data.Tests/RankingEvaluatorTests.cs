using System.Text.Json;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Evaluation;
using static TorchSharp.torch;

namespace LlmCfsr.Data.Tests;

public class RankingEvaluatorTests
{
    private static readonly int[] SmallKs = [1, 2, 3];

    /// <summary>
    /// Score table for <see cref="Fixtures.TwoUsers"/>. Row 2 serves user a's test history [1, 2]; row 5 serves
    /// user b's test history [4, 5]; rows 1 and 4 serve the validation histories [1] and [4].
    /// </summary>
    private static float[,] Table()
    {
        var table = new float[7, 7];
        // User a, test: target 3 scores 0.5; non-interacted 4 (0.9) beats it, 5 ties at 0.5, 6 (0.1) loses.
        // Items 1 and 2 (history) score 100 but are masked in full ranking and never sampled.
        float[] a = [0, 100, 100, 0.5f, 0.9f, 0.5f, 0.1f];
        // User b, test: target 6 scores 0.8 and beats every non-interacted item 1, 2, 3.
        float[] b = [0, 0.1f, 0.2f, 0.3f, 50, 50, 0.8f];
        // Validation of a: target 2 scores 0.4; 4 (0.3), 5 (0.2), 6 (0.45) -> one candidate above; 3 is the test item and excluded.
        float[] aValidation = [0, 100, 0.4f, 9, 0.3f, 0.2f, 0.45f];
        // Validation of b: target 5 scores 0; 1, 2, 3 all tie at 0 -> pessimistic rank 3.
        float[] bValidation = [0, 0, 0, 0, 100, 0, 7];
        for (int j = 0; j < 7; j++)
        {
            table[2, j] = a[j];
            table[5, j] = b[j];
            table[1, j] = aValidation[j];
            table[4, j] = bValidation[j];
        }
        return table;
    }

    private static EvaluationOptions Options(string protocol) => new() { Protocol = EvaluationProtocol.Parse(protocol), Ks = SmallKs };

    [Fact]
    public void FullRankingMatchesHandComputedMetrics()
    {
        var report = RankingEvaluator.Evaluate(new TableScorer(Table()), Fixtures.TwoUsers(), DataSplit.Test, Options("full"));

        // User a: candidates {3 (target), 4, 5, 6}; 4 scores higher and 5 ties -> pessimistic rank 2 (0-based).
        // User b: target 6 beats 1, 2, 3 -> rank 0.
        Assert.Equal([2L, 0L], report.Ranks);
        var overall = report.Groups["overall"];
        Assert.Equal(2, overall.Users);
        // HR@1: a misses, b hits -> 0.5. HR@3: both within the top 3 -> 1.
        Assert.Equal(0.5, overall["HR@1"], 12);
        Assert.Equal(0.5, overall["HR@2"], 12);
        Assert.Equal(1.0, overall["HR@3"], 12);
        // NDCG@3: a = 1/log2(2 + 2) = 0.5, b = 1/log2(0 + 2) = 1 -> mean 0.75.
        Assert.Equal(0.75, overall["NDCG@3"], 12);
        // MRR: (1/3 + 1) / 2 = 2/3.
        Assert.Equal(2.0 / 3.0, overall["MRR"], 12);
    }

    [Fact]
    public void ValidationExcludesTheTestItemAndUsesTheShorterHistory()
    {
        var report = RankingEvaluator.Evaluate(new TableScorer(Table()), Fixtures.TwoUsers(), DataSplit.Validation, Options("full"));

        // a: history [1], target 2 (0.4); candidates 4, 5, 6 (3 is a's test item, interacted, so excluded even though it scores 9): only 6 (0.45) is above.
        // b: history [4], target 5 (0); 1, 2, 3 tie at 0 -> pessimistic rank 3; 6 is interacted and excluded.
        Assert.Equal([1L, 3L], report.Ranks);
    }

    [Theory]
    [InlineData("sampled:3")]
    [InlineData("popularity:3")]
    public void SampledAgreesWithFullWhenEveryItemIsACandidate(string protocol)
    {
        // Each user interacted with 3 of 6 items, so 3 negatives are exactly the non-interacted items.
        var data = Fixtures.TwoUsers();
        var full = RankingEvaluator.Evaluate(new TableScorer(Table()), data, DataSplit.Test, Options("full"));
        var scorer = new TableScorer(Table());
        var sampled = RankingEvaluator.Evaluate(scorer, data, DataSplit.Test, Options(protocol));

        Assert.Equal(full.Ranks, sampled.Ranks);
        var candidates = Assert.Single(scorer.Candidates);
        // Both users have histories of the same length, so the batch keeps user order.
        Assert.Equal(3, candidates[0, 0]);
        Assert.Equal([4L, 5L, 6L], new[] { candidates[0, 1], candidates[0, 2], candidates[0, 3] }.Order());
        Assert.Equal([1L, 2L, 3L], new[] { candidates[1, 1], candidates[1, 2], candidates[1, 3] }.Order());
    }

    [Fact]
    public void SampledNegativesAreDistinctUninteractedAndSeeded()
    {
        var data = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 60, Items = 150, Seed = 3 }).Dataset;
        long[] Draw(long seed)
        {
            var sampler = new EvaluationCandidateSampler(data, EvaluationProtocol.Sampled(20), seed);
            var all = new long[data.UserCount * 20];
            for (int user = 1; user <= data.UserCount; user++)
            {
                var negatives = all.AsSpan((user - 1) * 20, 20);
                sampler.Sample(user, DataSplit.Test, negatives);
                var sequence = data.Sequences[user - 1];
                Assert.Equal(20, negatives.ToArray().Distinct().Count());
                Assert.All(negatives.ToArray(), n => Assert.True(n >= 1 && n <= 150 && !sequence.Contains((int)n)));
            }
            return all;
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void PopularitySamplingPrefersPopularItems()
    {
        var synthetic = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 400, Items = 300, Seed = 5 });
        var data = synthetic.Dataset;
        var groups = LongTailGroups.Compute(data, new LongTailOptions());
        var scorer = new TableScorer(new float[301, 301]);
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Popularity(20) });
        var uniform = new TableScorer(new float[301, 301]);
        RankingEvaluator.Evaluate(uniform, data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Sampled(20) });

        double MeanNegativePopularity(TableScorer s) => s.Candidates.SelectMany(b => Enumerable.Range(0, b.GetLength(0)).SelectMany(r => Enumerable.Range(1, 20).Select(k => (double)groups.ItemPopularity[(int)b[r, k]]))).Average();
        // Proportional-to-popularity draws have mean popularity E[p^2]/E[p], far above the uniform mean E[p] under a Zipf law.
        Assert.True(MeanNegativePopularity(scorer) > 2 * MeanNegativePopularity(uniform));
    }

    [Fact]
    public void ResultsDoNotDependOnTheBatchSize()
    {
        var data = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 50, Items = 80, Seed = 2 }).Dataset;
        var random = new Random(1);
        var table = new float[81, 81];
        for (int r = 0; r < 81; r++)
        {
            for (int c = 0; c < 81; c++)
            {
                table[r, c] = random.Next(5); // few distinct values: many ties
            }
        }
        var one = RankingEvaluator.Evaluate(new TableScorer(table), data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Full, BatchSize = 1 });
        var many = RankingEvaluator.Evaluate(new TableScorer(table), data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Full, BatchSize = 17 });
        Assert.Equal(one.Ranks, many.Ranks);
    }

    /// <summary>
    /// Float32 scores on the CPU take the vectorised count (80 items: rows of 81 scores, not a multiple of the
    /// vector width, so the scalar tail runs too); float64 scores take the tensor count used off the CPU. Both must
    /// give, for every user and split, the rank a naive loop over the definition gives: the never-interacted items
    /// scoring at least as high as the target, with many ties (five distinct scores).
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void FullRanksEqualANaiveCountWithTies(ScalarType dtype)
    {
        var data = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 60, Items = 80, Seed = 3 }).Dataset;
        var random = new Random(4);
        var table = new float[81, 81];
        for (int r = 0; r < 81; r++)
        {
            for (int c = 0; c < 81; c++)
            {
                table[r, c] = random.Next(5) - 2;
            }
        }
        foreach (var split in new[] { DataSplit.Validation, DataSplit.Test })
        {
            var report = RankingEvaluator.Evaluate(new TableScorer(table, dtype), data, split, new EvaluationOptions { Protocol = EvaluationProtocol.Full, BatchSize = 7 });
            var expected = report.Users.Select(user =>
            {
                var (history, target) = data.SplitOf(user, split);
                int newest = history.Span[^1];
                var seen = data.Sequences[user - 1].ToHashSet();
                return (long)Enumerable.Range(1, 80).Count(item => !seen.Contains(item) && table[newest, item] >= table[newest, target]);
            }).ToArray();
            Assert.Equal(expected, report.Ranks);
            Assert.Contains(expected, rank => rank > 0);
        }
    }

    [Fact]
    public void HistoriesAreTruncatedAndLeftPadded()
    {
        var data = new PreparedDataset("h", ["u"], ["1", "2", "3", "4", "5"], [[1, 2, 3, 4, 5]], Enumerable.Repeat(ItemAttributes.Empty, 5).ToArray());
        var scorer = new HistoryRecorder(5);
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Full, MaxHistoryLength = 3 });
        RankingEvaluator.Evaluate(scorer, data, DataSplit.Validation, new EvaluationOptions { Protocol = EvaluationProtocol.Full, MaxHistoryLength = 6 });
        Assert.Equal([2L, 3L, 4L], scorer.Histories[0]);
        Assert.Equal([0L, 0L, 0L, 1L, 2L, 3L], scorer.Histories[1]);
    }

    [Fact]
    public void GroupsSplitUsersByTargetPopularityAndLength()
    {
        var data = Fixtures.TwoUsers();
        // Both users have length 3; thresholds: tail users are shorter than 4 (both), tail items have popularity < 2 (all: each item has 1 user).
        var options = new EvaluationOptions
        {
            Protocol = EvaluationProtocol.Full,
            Ks = SmallKs,
            LongTail = new LongTailOptions { ItemRule = LongTailItemRule.Threshold, ItemPopularityThreshold = 2, UserRule = LongTailUserRule.Threshold, UserLengthThreshold = 4 },
        };
        var report = RankingEvaluator.Evaluate(new TableScorer(Table()), data, DataSplit.Test, options);
        Assert.Equal(2, report.Groups["tail_item"].Users);
        Assert.Equal(0, report.Groups["head_item"].Users);
        Assert.Equal(2, report.Groups["tail_user"].Users);
        Assert.True(double.IsNaN(report.Groups["head_user"]["MRR"]));
        Assert.Equal(report.Groups["overall"]["NDCG@3"], report.Groups["tail_item"]["NDCG@3"]);
    }

    [Fact]
    public void MetricsJsonHasTheDocumentedShape()
    {
        var report = RankingEvaluator.Evaluate(new TableScorer(Table()), Fixtures.TwoUsers(), DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Full });
        string path = Path.Combine(Fixtures.NewFolder(), "run", "metrics.json");
        report.WriteJson(path);

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal("full", root.GetProperty("protocol").GetString());
        Assert.Equal("test", root.GetProperty("split").GetString());
        var groups = root.GetProperty("groups");
        Assert.Equal(EvaluationGroupNames.All, groups.EnumerateObject().Select(p => p.Name));
        var overall = groups.GetProperty("overall");
        Assert.Equal(2, overall.GetProperty("users").GetInt32());
        Assert.Equal(["users", "HR@5", "NDCG@5", "HR@10", "NDCG@10", "HR@20", "NDCG@20", "MRR"], overall.EnumerateObject().Select(p => p.Name));
        // With 3 candidates per user every rank is below 5: HR@5 = 1.
        Assert.Equal(1.0, overall.GetProperty("HR@5").GetDouble());
        Assert.Equal(report.Groups["overall"]["NDCG@10"], overall.GetProperty("NDCG@10").GetDouble(), 15);

        string markdown = report.ToMarkdown();
        Assert.Contains("| group | users | HR@5 | NDCG@5 | HR@10 | NDCG@10 | HR@20 | NDCG@20 | MRR |", markdown);
        Assert.Contains("| overall | 2 | 1.0000 |", markdown);
    }

    [Fact]
    public void BadScorersAndImpossibleProtocolsFailClearly()
    {
        var data = Fixtures.TwoUsers();
        var nan = Table();
        nan[2, 4] = float.NaN;
        foreach (var dtype in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            var error = Assert.Throws<InvalidOperationException>(() => RankingEvaluator.Evaluate(new TableScorer(nan, dtype), data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Full }));
            Assert.Contains("NaN", error.Message);
        }
        var tooMany = Assert.Throws<ArgumentException>(() => RankingEvaluator.Evaluate(new TableScorer(Table()), data, DataSplit.Test, new EvaluationOptions { Protocol = EvaluationProtocol.Sampled(4) }));
        Assert.Contains("cannot sample 4 negatives", tooMany.Message);
        Assert.Throws<ArgumentException>(() => RankingEvaluator.Evaluate(new TableScorer(new float[4, 4]), data, DataSplit.Test, new EvaluationOptions()));
        Assert.Throws<ArgumentException>(() => RankingEvaluator.Evaluate(new TableScorer(Table()), data, DataSplit.Training, new EvaluationOptions()));
    }

    private static long[] Flatten(TableScorer scorer) => scorer.Candidates.SelectMany(b => b.Cast<long>()).ToArray();

    private sealed class HistoryRecorder(int items) : LlmCfsr.Scoring.IItemScorer
    {
        public int ItemCount => items;

        public List<long[]> Histories { get; } = [];

        public TorchSharp.torch.Tensor ScoreAll(TorchSharp.torch.Tensor histories)
        {
            Histories.Add(histories[0].data<long>().ToArray());
            return TorchSharp.torch.zeros(histories.shape[0], items + 1);
        }

        public TorchSharp.torch.Tensor ScoreCandidates(TorchSharp.torch.Tensor histories, TorchSharp.torch.Tensor candidates) =>
            ScoreAll(histories).gather(1, candidates);
    }
}
