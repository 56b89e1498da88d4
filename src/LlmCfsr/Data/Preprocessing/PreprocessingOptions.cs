namespace LlmCfsr.Data.Preprocessing;

/// <summary>Settings of <see cref="DatasetPreprocessor"/> (docs/data.md). Defaults keep everything: no filters, duplicates kept, no length cap.</summary>
public sealed class PreprocessingOptions
{
    /// <summary>Dataset name; null uses the loaded dataset's name.</summary>
    public string? Name { get; init; }

    /// <summary>Users with fewer interactions are removed (0 = off).</summary>
    public int MinUserInteractions { get; init; }

    /// <summary>Items with fewer interactions are removed (0 = off).</summary>
    public int MinItemInteractions { get; init; }

    /// <summary>
    /// False (default): both minimum counts are applied once, on counts of the input (as LLM-ESR does).
    /// True: they are re-applied until every user and item satisfies them (iterative k-core).
    /// </summary>
    public bool KCore { get; init; }

    /// <summary>Remove repeated (user, item) interactions, keeping the earliest (default false: kept).</summary>
    public bool RemoveDuplicates { get; init; }

    /// <summary>Keep only each user's most recent this many interactions (0 = no cap).</summary>
    public int MaxSequenceLength { get; init; }

    /// <summary>
    /// Drop every interaction with an item that has no text attribute (no attribute record, or only blank values)
    /// before the other steps, as the papers' preprocessing does (default false: such items are kept and counted).
    /// </summary>
    public bool RequireText { get; init; }

    /// <summary>Fail when an item in a sequence has no attributes (default false: counted and reported).</summary>
    public bool Strict { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (MinUserInteractions < 0)
        {
            throw new ArgumentException($"MinUserInteractions must not be negative; got {MinUserInteractions}.");
        }
        if (MinItemInteractions < 0)
        {
            throw new ArgumentException($"MinItemInteractions must not be negative; got {MinItemInteractions}.");
        }
        if (MaxSequenceLength != 0 && MaxSequenceLength < 3)
        {
            throw new ArgumentException($"MaxSequenceLength must be 0 (no cap) or at least 3 (leave-one-out needs 3 items); got {MaxSequenceLength}.");
        }
    }
}
