namespace LlmCfsr.Data.Loading;

/// <summary>
/// An interaction log as loaded, before preprocessing: interactions (user, item, timestamp) in file order with
/// users and items interned in order of first appearance, and item attributes by source item id.
/// </summary>
public sealed class RawDataset
{
    internal RawDataset(
        string name,
        DatasetFormat format,
        List<string> userSourceIds,
        List<string> itemSourceIds,
        List<int> users,
        List<int> items,
        List<double> timestamps,
        Dictionary<string, ItemAttributes> attributes,
        DatasetLoadReport report)
    {
        Name = name;
        Format = format;
        UserSourceIds = userSourceIds;
        ItemSourceIds = itemSourceIds;
        Users = users;
        Items = items;
        Timestamps = timestamps;
        Attributes = attributes;
        Report = report;
    }

    /// <summary>Dataset name (from the file names).</summary>
    public string Name { get; }

    /// <summary>Format it was read from.</summary>
    public DatasetFormat Format { get; }

    /// <summary>Source user ids; interaction user index u refers to entry u.</summary>
    public IReadOnlyList<string> UserSourceIds { get; }

    /// <summary>Source item ids; interaction item index i refers to entry i.</summary>
    public IReadOnlyList<string> ItemSourceIds { get; }

    /// <summary>User index (into <see cref="UserSourceIds"/>) of each interaction, in file order.</summary>
    public IReadOnlyList<int> Users { get; }

    /// <summary>Item index (into <see cref="ItemSourceIds"/>) of each interaction.</summary>
    public IReadOnlyList<int> Items { get; }

    /// <summary>Timestamp of each interaction (Unix seconds), or the file position when the format has none.</summary>
    public IReadOnlyList<double> Timestamps { get; }

    /// <summary>Item attributes by source item id (items of the attribute file, including any without interactions).</summary>
    public IReadOnlyDictionary<string, ItemAttributes> Attributes { get; }

    /// <summary>Counts read, kept and dropped.</summary>
    public DatasetLoadReport Report { get; }

    /// <summary>Number of interactions.</summary>
    public int InteractionCount => Users.Count;
}
