namespace LlmCfsr.Data.Loading;

/// <summary>What a loader read, kept and dropped (with reasons). Nothing is dropped without a reason counted here.</summary>
public sealed class DatasetLoadReport
{
    private readonly List<string> _files = [];
    private readonly SortedDictionary<string, long> _droppedRecords = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, long> _droppedAttributes = new(StringComparer.Ordinal);

    /// <summary>Files read, in order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Interaction records (lines, pairs or list entries) read.</summary>
    public long RecordsRead { get; internal set; }

    /// <summary>Interactions kept.</summary>
    public long InteractionsKept { get; internal set; }

    /// <summary>Interaction records dropped, by reason.</summary>
    public IReadOnlyDictionary<string, long> DroppedRecords => _droppedRecords;

    /// <summary>Item attribute records read.</summary>
    public long AttributeRecordsRead { get; internal set; }

    /// <summary>Item attribute records kept.</summary>
    public long AttributeRecordsKept { get; internal set; }

    /// <summary>Item attribute records dropped, by reason.</summary>
    public IReadOnlyDictionary<string, long> DroppedAttributeRecords => _droppedAttributes;

    internal void AddFile(string path) => _files.Add(path);

    internal void DropRecord(string reason) => _droppedRecords[reason] = _droppedRecords.GetValueOrDefault(reason) + 1;

    internal void DropAttributeRecord(string reason) => _droppedAttributes[reason] = _droppedAttributes.GetValueOrDefault(reason) + 1;

    /// <summary>Writes the report as indented "name: value" lines.</summary>
    public void WriteTo(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine("Loaded:");
        foreach (var file in _files)
        {
            writer.WriteLine($"  file                      {file}");
        }
        writer.WriteLine($"  interaction records read  {RecordsRead:N0}");
        writer.WriteLine($"  interactions kept         {InteractionsKept:N0}");
        foreach (var (reason, count) in _droppedRecords)
        {
            writer.WriteLine($"  dropped ({reason}): {count:N0}");
        }
        writer.WriteLine($"  attribute records read    {AttributeRecordsRead:N0}");
        writer.WriteLine($"  attribute records kept    {AttributeRecordsKept:N0}");
        foreach (var (reason, count) in _droppedAttributes)
        {
            writer.WriteLine($"  attributes dropped ({reason}): {count:N0}");
        }
    }
}
