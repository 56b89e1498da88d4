namespace LlmCfsr.Models;

/// <summary>
/// MELT's curriculum: the per-user and per-item weights of its branch losses, which move with training progress p = e / E
/// (e the epoch counted from 0, E the epoch cap), as the official code computes them.
/// </summary>
internal static class MeltCurriculum
{
    /// <summary>|sin(π/2 · p + π / (2(L − T_U − 1)) · (n − T_U − 1))| for a head user with <paramref name="length"/> n items in its window of at most L.</summary>
    public static double UserWeight(double progress, int length, double threshold, int maxLength)
    {
        double span = Math.Max(1.0, maxLength - threshold - 1);
        return Math.Abs(Math.Sin((Math.PI / 2 * progress) + (Math.PI / (2 * span) * (length - threshold - 1))));
    }

    /// <summary>|sin(π/2 · p + π/100 · (min(n, T_I + 50) − T_I − 1))| for a head item seen n = <paramref name="occurrences"/> times in training.</summary>
    public static double ItemWeight(double progress, int occurrences, double threshold)
        => Math.Abs(Math.Sin((Math.PI / 2 * progress) + (Math.PI / 100 * (Math.Min(threshold + 50, occurrences) - (threshold + 1)))));
}
