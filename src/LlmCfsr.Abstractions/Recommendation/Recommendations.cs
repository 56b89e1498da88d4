namespace LlmCfsr.Recommendation;

/// <summary>The result of one recommendation request.</summary>
public sealed class Recommendations
{
    /// <summary>Creates a result.</summary>
    public Recommendations(IReadOnlyList<RecommendedItem> items, int historyItemsUsed, IReadOnlyList<string> unknownHistoryItems, IReadOnlyList<string> unknownFilterItems)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(unknownHistoryItems);
        ArgumentNullException.ThrowIfNull(unknownFilterItems);
        ArgumentOutOfRangeException.ThrowIfNegative(historyItemsUsed);
        Items = items;
        HistoryItemsUsed = historyItemsUsed;
        UnknownHistoryItems = unknownHistoryItems;
        UnknownFilterItems = unknownFilterItems;
    }

    /// <summary>The recommended items, best first.</summary>
    public IReadOnlyList<RecommendedItem> Items { get; }

    /// <summary>How many history entries were known and used (0: nothing to recommend from, <see cref="Items"/> is empty).</summary>
    public int HistoryItemsUsed { get; }

    /// <summary>History ids the recommender does not know, in history order; they were skipped.</summary>
    public IReadOnlyList<string> UnknownHistoryItems { get; }

    /// <summary>Ids of the allow-list or deny-list the recommender does not know; they were ignored.</summary>
    public IReadOnlyList<string> UnknownFilterItems { get; }
}
