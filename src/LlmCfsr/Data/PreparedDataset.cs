namespace LlmCfsr.Data;

/// <summary>
/// A dataset ready for training and evaluation: users and items densely re-indexed from 1 (0 is padding),
/// each user's full time-ordered item sequence, the map back to source ids, and item attributes.
/// The leave-one-out split is implied: the last item of a sequence is the test target, the second last the
/// validation target, the rest is training data. Every later command loads it from a prepared-dataset folder
/// (docs/data.md).
/// </summary>
public sealed class PreparedDataset
{
    private string? _fingerprint;

    /// <summary>Creates a dataset; validates ids and lengths.</summary>
    /// <param name="name">Human-readable name (e.g. "office").</param>
    /// <param name="userSourceIds">Source id of user u at index u - 1.</param>
    /// <param name="itemSourceIds">Source id of item i at index i - 1.</param>
    /// <param name="sequences">Item ids (1..items) of user u at index u - 1, oldest first; at least 3 per user.</param>
    /// <param name="itemAttributes">Attributes of item i at index i - 1 (same count as <paramref name="itemSourceIds"/>).</param>
    public PreparedDataset(
        string name,
        IReadOnlyList<string> userSourceIds,
        IReadOnlyList<string> itemSourceIds,
        IReadOnlyList<int[]> sequences,
        IReadOnlyList<ItemAttributes> itemAttributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(userSourceIds);
        ArgumentNullException.ThrowIfNull(itemSourceIds);
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(itemAttributes);
        if (sequences.Count != userSourceIds.Count)
        {
            throw new ArgumentException($"{sequences.Count} sequences for {userSourceIds.Count} users.", nameof(sequences));
        }
        if (itemAttributes.Count != itemSourceIds.Count)
        {
            throw new ArgumentException($"{itemAttributes.Count} attribute lists for {itemSourceIds.Count} items.", nameof(itemAttributes));
        }
        long interactions = 0;
        for (int u = 0; u < sequences.Count; u++)
        {
            var sequence = sequences[u];
            if (sequence.Length < 3)
            {
                throw new ArgumentException($"User {u + 1} ('{userSourceIds[u]}') has {sequence.Length} interactions; leave-one-out needs at least 3.", nameof(sequences));
            }
            foreach (var item in sequence)
            {
                if (item < 1 || item > itemSourceIds.Count)
                {
                    throw new ArgumentException($"User {u + 1} ('{userSourceIds[u]}') has item id {item}, outside 1..{itemSourceIds.Count}.", nameof(sequences));
                }
            }
            interactions += sequence.Length;
        }

        Name = name;
        UserSourceIds = userSourceIds;
        ItemSourceIds = itemSourceIds;
        Sequences = sequences;
        ItemAttributes = itemAttributes;
        InteractionCount = interactions;
    }

    /// <summary>Human-readable name.</summary>
    public string Name { get; }

    /// <summary>Number of users; ids run 1..UserCount.</summary>
    public int UserCount => Sequences.Count;

    /// <summary>Number of items; ids run 1..ItemCount.</summary>
    public int ItemCount => ItemSourceIds.Count;

    /// <summary>Total interactions over all sequences.</summary>
    public long InteractionCount { get; }

    /// <summary>Source id of user u at index u - 1.</summary>
    public IReadOnlyList<string> UserSourceIds { get; }

    /// <summary>Source id of item i at index i - 1.</summary>
    public IReadOnlyList<string> ItemSourceIds { get; }

    /// <summary>Full item sequence of user u at index u - 1, oldest first.</summary>
    public IReadOnlyList<int[]> Sequences { get; }

    /// <summary>Attributes of item i at index i - 1.</summary>
    public IReadOnlyList<ItemAttributes> ItemAttributes { get; }

    /// <summary>
    /// SHA-256 (lower-case hex) of the dataset's canonical serialisation (name, source ids, attributes, sequences):
    /// equal datasets have equal fingerprints, so trained models and reports can record exactly which data they saw.
    /// Computed on first use.
    /// </summary>
    public string Fingerprint => _fingerprint ??= PreparedDatasetStore.ComputeFingerprint(this);

    /// <summary>The items user <paramref name="user"/> (1-based) trains on: all but the last two.</summary>
    public ReadOnlySpan<int> TrainingSequence(int user) => Sequences[user - 1].AsSpan(0, Sequences[user - 1].Length - 2);

    /// <summary>The history a split's target is predicted from, and that target, for user <paramref name="user"/> (1-based).</summary>
    public (ReadOnlyMemory<int> History, int Target) SplitOf(int user, DataSplit split)
    {
        var sequence = Sequences[user - 1];
        int targetIndex = split switch
        {
            DataSplit.Validation => sequence.Length - 2,
            DataSplit.Test => sequence.Length - 1,
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Only validation and test have held-out targets."),
        };
        return (sequence.AsMemory(0, targetIndex), sequence[targetIndex]);
    }
}
