namespace LlmCfsr.Data.Loading;

/// <summary>Accumulates interactions and attributes while a loader streams its files.</summary>
internal sealed class InteractionLogBuilder
{
    private readonly Dictionary<string, int> _userIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _itemIndex = new(StringComparer.Ordinal);
    private readonly List<string> _userIds = [];
    private readonly List<string> _itemIds = [];
    private readonly List<int> _users = [];
    private readonly List<int> _items = [];
    private readonly List<double> _timestamps = [];
    private readonly Dictionary<string, ItemAttributes> _attributes = new(StringComparer.Ordinal);

    public DatasetLoadReport Report { get; } = new();

    /// <summary>Adds an interaction; <paramref name="timestamp"/> null means "file order".</summary>
    public void Add(string user, string item, double? timestamp)
    {
        _users.Add(Intern(user, _userIndex, _userIds));
        _items.Add(Intern(item, _itemIndex, _itemIds));
        _timestamps.Add(timestamp ?? _timestamps.Count);
        Report.InteractionsKept++;
    }

    /// <summary>Adds an item's attributes; a second record for the same item is dropped with a reason.</summary>
    public void AddAttributes(string item, IEnumerable<KeyValuePair<string, string>> pairs)
    {
        Report.AttributeRecordsRead++;
        if (_attributes.ContainsKey(item))
        {
            Report.DropAttributeRecord("repeated item id, first record kept");
            return;
        }
        _attributes[item] = new ItemAttributes(pairs);
        Report.AttributeRecordsKept++;
    }

    public RawDataset Build(string name, DatasetFormat format) =>
        new(name, format, _userIds, _itemIds, _users, _items, _timestamps, _attributes, Report);

    private static int Intern(string id, Dictionary<string, int> index, List<string> ids)
    {
        if (!index.TryGetValue(id, out int value))
        {
            value = ids.Count;
            index[id] = value;
            ids.Add(id);
        }
        return value;
    }
}
