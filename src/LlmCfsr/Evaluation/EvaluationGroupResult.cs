namespace LlmCfsr.Evaluation;

/// <summary>Mean metric values of one user group of an <see cref="EvaluationReport"/>.</summary>
public sealed class EvaluationGroupResult
{
    internal EvaluationGroupResult(string name, int users, IReadOnlyDictionary<string, double> metrics)
    {
        Name = name;
        Users = users;
        Metrics = metrics;
    }

    /// <summary>Group name (see <see cref="EvaluationGroupNames"/>).</summary>
    public string Name { get; }

    /// <summary>Number of users in the group.</summary>
    public int Users { get; }

    /// <summary>Mean metric values keyed "HR@10", "NDCG@10", "MRR", ...; NaN for every metric when the group is empty.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>The mean of metric <paramref name="metric"/>.</summary>
    public double this[string metric] => Metrics.TryGetValue(metric, out double value)
        ? value
        : throw new KeyNotFoundException($"No metric '{metric}' in group '{Name}'; available: {string.Join(", ", Metrics.Keys)}.");
}
