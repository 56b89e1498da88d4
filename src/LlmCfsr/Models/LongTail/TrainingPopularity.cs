using LlmCfsr.Data;

namespace LlmCfsr.Models;

/// <summary>
/// Head/tail statistics of the training sequences only (never the validation or test item), as MELT's and CITIES's official
/// code computes them: occurrences of each item, training length of each user, and NumPy's linear-interpolation quantile
/// for the thresholds.
/// </summary>
internal static class TrainingPopularity
{
    /// <summary>Occurrences of each item (index = item id, 0 unused) in the training sequences.</summary>
    public static int[] ItemOccurrences(PreparedDataset dataset)
    {
        var counts = new int[dataset.ItemCount + 1];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            foreach (int item in dataset.TrainingSequence(user))
            {
                counts[item]++;
            }
        }
        return counts;
    }

    /// <summary>The <paramref name="q"/>-quantile of <paramref name="values"/> with linear interpolation (NumPy's default).</summary>
    public static double Quantile(IEnumerable<int> values, double q)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
