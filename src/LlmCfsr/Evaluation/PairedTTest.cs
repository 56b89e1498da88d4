namespace LlmCfsr.Evaluation;

/// <summary>Paired (dependent-samples) Student t-test, e.g. per-user NDCG@10 of two models on the same users.</summary>
public static class PairedTTest
{
    /// <summary>
    /// Tests whether the mean of <paramref name="a"/> - <paramref name="b"/> differs from 0:
    /// t = mean(d) / (sd(d) / sqrt(n)), n - 1 degrees of freedom, two-sided p. When every difference is equal the
    /// standard deviation is 0: t is 0 with p = 1 if the differences are 0, else ±∞ with p = 0.
    /// </summary>
    public static PairedTTestResult Compute(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"Paired samples need equal lengths; got {a.Count} and {b.Count}.");
        }
        int n = a.Count;
        if (n < 2)
        {
            throw new ArgumentException($"A paired t-test needs at least 2 pairs; got {n}.");
        }
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            mean += a[i] - b[i];
        }
        mean /= n;
        double squares = 0;
        for (int i = 0; i < n; i++)
        {
            double deviation = a[i] - b[i] - mean;
            squares += deviation * deviation;
        }
        double standardError = Math.Sqrt(squares / (n - 1) / n);
        int degrees = n - 1;
        if (standardError == 0)
        {
            return mean == 0
                ? new PairedTTestResult(0, degrees, 1, 0, n)
                : new PairedTTestResult(mean > 0 ? double.PositiveInfinity : double.NegativeInfinity, degrees, 0, mean, n);
        }
        double t = mean / standardError;
        return new PairedTTestResult(t, degrees, StudentTDistribution.TwoSidedPValue(t, degrees), mean, n);
    }

    /// <summary>Compares metric <paramref name="metric"/> of two reports over the users of <paramref name="group"/> in <paramref name="a"/> (same dataset, split and users).</summary>
    public static PairedTTestResult Compare(EvaluationReport a, EvaluationReport b, string metric, string group = EvaluationGroupNames.Overall)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.DatasetFingerprint != b.DatasetFingerprint || a.Split != b.Split || !a.Users.SequenceEqual(b.Users))
        {
            throw new ArgumentException("Paired reports must evaluate the same dataset, split and users.");
        }
        return Compute(a.PerUser(metric, group), b.PerUser(metric, group));
    }
}
