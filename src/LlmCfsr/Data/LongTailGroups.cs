namespace LlmCfsr.Data;

/// <summary>
/// Head/tail membership of every item and user of a <see cref="PreparedDataset"/>. Item popularity is the number
/// of distinct users whose full sequence contains the item; user length is the full sequence length, or the
/// history before the test item (<see cref="LongTailUserLength.TestHistory"/>).
/// Arrays are indexed by the dense id (index 0 = padding, unused).
/// </summary>
public sealed class LongTailGroups
{
    private LongTailGroups(int[] itemPopularity, bool[] isTailItem, bool[] isTailUser, int headItemMinPopularity, int headUserMinLength)
    {
        ItemPopularity = itemPopularity;
        IsTailItem = isTailItem;
        IsTailUser = isTailUser;
        HeadItemMinPopularity = headItemMinPopularity;
        HeadUserMinLength = headUserMinLength;
        TailItemCount = isTailItem.Skip(1).Count(t => t);
        TailUserCount = isTailUser.Skip(1).Count(t => t);
    }

    /// <summary>Distinct users per item, indexed by item id.</summary>
    public IReadOnlyList<int> ItemPopularity { get; }

    /// <summary>Whether item i (index i) is a tail item.</summary>
    public IReadOnlyList<bool> IsTailItem { get; }

    /// <summary>Whether user u (index u) is a tail user.</summary>
    public IReadOnlyList<bool> IsTailUser { get; }

    /// <summary>Items with at least this popularity are head.</summary>
    public int HeadItemMinPopularity { get; }

    /// <summary>Users with at least this length (as counted by <see cref="LongTailOptions.UserLength"/>) are head.</summary>
    public int HeadUserMinLength { get; }

    /// <summary>Number of tail items.</summary>
    public int TailItemCount { get; }

    /// <summary>Number of tail users.</summary>
    public int TailUserCount { get; }

    /// <summary>Computes the groups of <paramref name="dataset"/> under <paramref name="options"/>.</summary>
    public static LongTailGroups Compute(PreparedDataset dataset, LongTailOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var popularity = new int[dataset.ItemCount + 1];
        var lastSeenBy = new int[dataset.ItemCount + 1];
        for (int u = 1; u <= dataset.UserCount; u++)
        {
            foreach (int item in dataset.Sequences[u - 1])
            {
                if (lastSeenBy[item] != u)
                {
                    lastSeenBy[item] = u;
                    popularity[item]++;
                }
            }
        }

        int headItemMin = options.ItemRule == LongTailItemRule.Threshold
            ? options.ItemPopularityThreshold
            : ValueAtTopShare(popularity.AsSpan(1), options.HeadItemShare);
        var tailItem = new bool[dataset.ItemCount + 1];
        for (int i = 1; i <= dataset.ItemCount; i++)
        {
            tailItem[i] = popularity[i] < headItemMin;
        }

        var lengths = new int[dataset.UserCount];
        for (int u = 0; u < dataset.UserCount; u++)
        {
            lengths[u] = dataset.Sequences[u].Length - (options.UserLength == LongTailUserLength.TestHistory ? 1 : 0);
        }
        int headUserMin = options.UserRule == LongTailUserRule.Threshold
            ? options.UserLengthThreshold
            : ValueAtTopShare(lengths, 1 - options.TailUserShare);
        var tailUser = new bool[dataset.UserCount + 1];
        for (int u = 1; u <= dataset.UserCount; u++)
        {
            tailUser[u] = lengths[u - 1] < headUserMin;
        }
        return new LongTailGroups(popularity, tailItem, tailUser, headItemMin, headUserMin);
    }

    /// <summary>
    /// The value v of the element at rank ceil(share * n) in descending order: "value >= v" selects the top share,
    /// plus every element tied with the last one (ties are never split).
    /// </summary>
    private static int ValueAtTopShare(ReadOnlySpan<int> values, double share)
    {
        if (values.Length == 0)
        {
            return 0;
        }
        var sorted = values.ToArray();
        Array.Sort(sorted, (a, b) => b.CompareTo(a));
        int count = Math.Max(1, (int)Math.Ceiling(share * sorted.Length - 1e-9));
        return sorted[Math.Min(count, sorted.Length) - 1];
    }
}
