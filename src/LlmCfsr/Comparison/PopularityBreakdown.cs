using LlmCfsr.Data;
using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison;

/// <summary>
/// A metric by target-item popularity: test users are split into buckets at the quantiles of their target item's
/// popularity (distinct users per item, as in <see cref="LongTailGroups"/>), so buckets hold about equally many
/// users; users whose targets have the same popularity always share a bucket, so heavy ties give fewer, unequal
/// buckets. Each model's value per bucket is the mean over the bucket's users, pooled over its successful seeds.
/// </summary>
public sealed class PopularityBreakdown
{
    private PopularityBreakdown(string protocol, string metric, IReadOnlyList<PopularityBucket> buckets, IReadOnlyDictionary<string, double[]> values)
    {
        Protocol = protocol;
        Metric = metric;
        Buckets = buckets;
        Values = values;
    }

    /// <summary>The protocol.</summary>
    public string Protocol { get; }

    /// <summary>The metric ("NDCG@10").</summary>
    public string Metric { get; }

    /// <summary>Buckets from least to most popular.</summary>
    public IReadOnlyList<PopularityBucket> Buckets { get; }

    /// <summary>Per model (with at least one successful run), the mean metric per bucket (NaN for an empty bucket).</summary>
    public IReadOnlyDictionary<string, double[]> Values { get; }

    /// <summary>Computes the breakdown of <paramref name="result"/> under <paramref name="protocol"/> with up to <paramref name="buckets"/> quantile buckets.</summary>
    public static PopularityBreakdown Compute(ComparisonResult result, string protocol, string metric = "NDCG@10", int buckets = 5)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        string key = EvaluationProtocol.Parse(protocol).ToString();
        var popularity = LongTailGroups.Compute(result.Dataset, new LongTailOptions()).ItemPopularity;
        var dataset = result.Dataset;
        // Popularity of every user's test target, indexed by user id.
        var targetPopularity = new int[dataset.UserCount + 1];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            targetPopularity[user] = popularity[dataset.SplitOf(user, DataSplit.Test).Target];
        }
        var sorted = targetPopularity.Skip(1).Order().ToArray();
        // Upper bounds at the quantiles k/buckets; equal bounds (ties) merge.
        var upper = Enumerable.Range(1, buckets)
            .Select(k => sorted[Math.Max(0, (int)Math.Ceiling((double)k * sorted.Length / buckets) - 1)])
            .Distinct()
            .ToArray();
        int BucketOf(int user)
        {
            int value = targetPopularity[user];
            int index = Array.FindIndex(upper, bound => value <= bound);
            return index < 0 ? upper.Length - 1 : index;
        }
        var bucketUsers = new int[upper.Length];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            bucketUsers[BucketOf(user)]++;
        }
        var bucketList = upper.Select((bound, b) => new PopularityBucket(b == 0 ? sorted[0] : upper[b - 1] + 1, bound, bucketUsers[b])).ToArray();

        var values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (string model in result.Models)
        {
            var runs = result.Runs.Where(r => r.Model == model && r.Succeeded && r.Reports.ContainsKey(key)).ToList();
            if (runs.Count == 0)
            {
                continue;
            }
            var sums = new double[upper.Length];
            var counts = new int[upper.Length];
            foreach (var run in runs)
            {
                var report = run.Reports[key];
                var perUser = report.PerUser(metric);
                for (int j = 0; j < perUser.Length; j++)
                {
                    int bucket = BucketOf(report.Users[j]);
                    sums[bucket] += perUser[j];
                    counts[bucket]++;
                }
            }
            values[model] = sums.Select((sum, b) => counts[b] == 0 ? double.NaN : sum / counts[b]).ToArray();
        }
        return new PopularityBreakdown(key, metric, bucketList, values);
    }
}
