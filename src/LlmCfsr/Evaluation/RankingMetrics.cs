using System.Globalization;

namespace LlmCfsr.Evaluation;

/// <summary>
/// Metrics of one held-out item from its pessimistic rank r (the number of candidates scoring at least as high as
/// the target, the target excluded; 0 = ranked first): HR@K = [r &lt; K], NDCG@K = [r &lt; K] / log2(r + 2),
/// MRR = 1 / (r + 1). With one relevant item the ideal DCG is 1.
/// </summary>
public static class RankingMetrics
{
    /// <summary>Name of the mean reciprocal rank metric.</summary>
    public const string Mrr = "MRR";

    /// <summary>Metric names for cut-offs <paramref name="ks"/>, in report order: HR@K and NDCG@K per K, then MRR.</summary>
    public static IReadOnlyList<string> Names(IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(ks);
        var names = new List<string>(2 * ks.Count + 1);
        foreach (int k in ks)
        {
            names.Add(string.Create(CultureInfo.InvariantCulture, $"HR@{k}"));
            names.Add(string.Create(CultureInfo.InvariantCulture, $"NDCG@{k}"));
        }
        names.Add(Mrr);
        return names;
    }

    /// <summary>The value of metric <paramref name="name"/> ("HR@K", "NDCG@K" or "MRR") for pessimistic rank <paramref name="rank"/>.</summary>
    public static double Value(string name, long rank)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        if (name == Mrr)
        {
            return 1.0 / (rank + 1);
        }
        int at = name.IndexOf('@');
        if (at > 0 && int.TryParse(name.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0)
        {
            switch (name[..at])
            {
                case "HR":
                    return rank < k ? 1.0 : 0.0;
                case "NDCG":
                    return rank < k ? 1.0 / Math.Log2(rank + 2) : 0.0;
            }
        }
        throw new ArgumentException($"Unknown metric '{name}'; expected HR@K, NDCG@K or MRR.", nameof(name));
    }
}
