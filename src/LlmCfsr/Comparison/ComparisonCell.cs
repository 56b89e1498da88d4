namespace LlmCfsr.Comparison;

/// <summary>A model's value in one column: mean and sample standard deviation over its successful seeds.</summary>
/// <param name="Mean">Mean over seeds; NaN when the group was empty.</param>
/// <param name="StandardDeviation">Sample standard deviation (n - 1 denominator); NaN with a single seed.</param>
/// <param name="Seeds">Number of seeds averaged.</param>
public sealed record ComparisonCell(double Mean, double StandardDeviation, int Seeds)
{
    /// <summary>Mean and sample standard deviation of <paramref name="values"/>.</summary>
    public static ComparisonCell Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            throw new ArgumentException("A cell needs at least one value.", nameof(values));
        }
        double mean = values.Average();
        double deviation = values.Count < 2
            ? double.NaN
            : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        return new ComparisonCell(mean, deviation, values.Count);
    }
}
