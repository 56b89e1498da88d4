using System.Globalization;

namespace LlmCfsr.Data;

/// <summary>Summary statistics of a prepared dataset, including its long-tail shares (docs/data.md).</summary>
public sealed class DatasetStatistics
{
    private DatasetStatistics()
    {
    }

    /// <summary>Number of users.</summary>
    public int Users { get; private init; }

    /// <summary>Number of items.</summary>
    public int Items { get; private init; }

    /// <summary>Number of interactions.</summary>
    public long Interactions { get; private init; }

    /// <summary>Mean sequence length.</summary>
    public double MeanLength { get; private init; }

    /// <summary>Median sequence length.</summary>
    public double MedianLength { get; private init; }

    /// <summary>Shortest and longest sequence.</summary>
    public (int Min, int Max) LengthRange { get; private init; }

    /// <summary>1 - interactions / (users × items).</summary>
    public double Sparsity { get; private init; }

    /// <summary>Share of items that are tail items.</summary>
    public double TailItemShare { get; private init; }

    /// <summary>Share of users that are tail users.</summary>
    public double TailUserShare { get; private init; }

    /// <summary>Share of test targets (each user's last item) that are tail items.</summary>
    public double TestTargetTailItemShare { get; private init; }

    /// <summary>The long-tail groups the shares were computed from.</summary>
    public LongTailGroups Groups { get; private init; } = null!;

    /// <summary>Computes the statistics of <paramref name="dataset"/> under the long-tail settings <paramref name="longTail"/>.</summary>
    public static DatasetStatistics Compute(PreparedDataset dataset, LongTailOptions longTail)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var groups = LongTailGroups.Compute(dataset, longTail);
        var lengths = dataset.Sequences.Select(s => s.Length).Order().ToArray();
        int n = lengths.Length;
        int tailTargets = dataset.Sequences.Count(s => groups.IsTailItem[s[^1]]);
        return new DatasetStatistics
        {
            Users = dataset.UserCount,
            Items = dataset.ItemCount,
            Interactions = dataset.InteractionCount,
            MeanLength = (double)dataset.InteractionCount / n,
            MedianLength = n % 2 == 1 ? lengths[n / 2] : (lengths[n / 2 - 1] + lengths[n / 2]) / 2.0,
            LengthRange = (lengths[0], lengths[^1]),
            Sparsity = 1 - dataset.InteractionCount / ((double)dataset.UserCount * dataset.ItemCount),
            TailItemShare = (double)groups.TailItemCount / dataset.ItemCount,
            TailUserShare = (double)groups.TailUserCount / dataset.UserCount,
            TestTargetTailItemShare = (double)tailTargets / n,
            Groups = groups,
        };
    }

    /// <summary>Writes the statistics as aligned "name value" lines.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine("Statistics:");
        writer.WriteLine(string.Format(c, "  users                       {0:N0}", Users));
        writer.WriteLine(string.Format(c, "  items                       {0:N0}", Items));
        writer.WriteLine(string.Format(c, "  interactions                {0:N0}", Interactions));
        writer.WriteLine(string.Format(c, "  mean length                 {0:F2} (median {1}, min {2}, max {3})", MeanLength, MedianLength, LengthRange.Min, LengthRange.Max));
        writer.WriteLine(string.Format(c, "  sparsity                    {0:P2}", Sparsity));
        writer.WriteLine(string.Format(c, "  tail items                  {0:P2} (popularity < {1})", TailItemShare, Groups.HeadItemMinPopularity));
        writer.WriteLine(string.Format(c, "  tail users                  {0:P2} (length < {1})", TailUserShare, Groups.HeadUserMinLength));
        writer.WriteLine(string.Format(c, "  test targets on tail items  {0:P2}", TestTargetTailItemShare));
    }
}
