using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using LlmCfsr.Data;
using LlmCfsr.Encoders;
using LlmCfsr.Storage;
using TorchSharp;

namespace LlmCfsr.Embeddings;

/// <summary>
/// Item embeddings on disk: a safetensors file with one float32 tensor "embeddings" [items, d] whose row
/// i - 1 belongs to item id i, and metadata holding the provenance: the item order (source ids), the dataset's
/// name and fingerprint and the <see cref="ItemEmbeddingFingerprint"/> (encoder, model, adapter, kind, prompt
/// template). Loading checks them against what the caller expects and refuses a mismatch with a message naming
/// the file and the field, so embeddings from another encoder, template, dataset or item order are never used
/// silently; files of format 1, which predate the provenance, are refused with how to re-embed (docs/embeddings.md).
/// The metadata also holds the SHA-256 of the data ("data_sha256"), checked on load with every value's finiteness,
/// so a damaged file is refused by name.
/// </summary>
public sealed class ItemEmbeddingCache
{
    /// <summary>Format tag stored in the metadata.</summary>
    public const string Format = "llmcfsr.item-embeddings/2";

    /// <summary>The format before provenance (dataset fingerprint, adapter, kind) was recorded; refused on load.</summary>
    internal const string FormatWithoutProvenance = "llmcfsr.item-embeddings/1";

    /// <summary>Name of the tensor in the file.</summary>
    public const string TensorName = "embeddings";

    private readonly float[] _values;

    /// <summary>
    /// Wraps embeddings already in memory (row-major [items, dimension]); <paramref name="datasetFingerprint"/> is
    /// the prepared dataset's <see cref="PreparedDataset.Fingerprint"/>, needed to <see cref="Save"/>.
    /// </summary>
    public ItemEmbeddingCache(string datasetName, IReadOnlyList<string> itemOrder, int dimension, float[] values, ItemEmbeddingFingerprint fingerprint, string? datasetFingerprint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetName);
        ArgumentNullException.ThrowIfNull(itemOrder);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (values.LongLength != (long)itemOrder.Count * dimension)
        {
            throw new ArgumentException($"{values.LongLength} values for {itemOrder.Count} items of dimension {dimension}.", nameof(values));
        }
        DatasetName = datasetName;
        ItemOrder = itemOrder;
        Dimension = dimension;
        _values = values;
        Fingerprint = fingerprint;
        DatasetFingerprint = datasetFingerprint;
    }

    /// <summary>Name of the dataset the items come from.</summary>
    public string DatasetName { get; }

    /// <summary>Fingerprint of the prepared dataset the embeddings were made for (null for caches built in memory without one).</summary>
    public string? DatasetFingerprint { get; }

    /// <summary>Source id of the item in each row (row i - 1 is item id i).</summary>
    public IReadOnlyList<string> ItemOrder { get; }

    /// <summary>Number of items (rows).</summary>
    public int ItemCount => ItemOrder.Count;

    /// <summary>Embedding size (columns).</summary>
    public int Dimension { get; }

    /// <summary>What produced the embeddings.</summary>
    public ItemEmbeddingFingerprint Fingerprint { get; }

    /// <summary>The embeddings, row-major [items, dimension].</summary>
    public ReadOnlyMemory<float> Values => _values;

    /// <summary>
    /// A new float32 tensor [items, dimension] (or [items + 1, dimension] with a zero row 0 for the padding id
    /// when <paramref name="withPaddingRow"/>), on <paramref name="device"/> (CPU when null).
    /// </summary>
    public torch.Tensor ToTensor(bool withPaddingRow = false, torch.Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        var table = torch.tensor(_values, [ItemCount, Dimension]);
        if (withPaddingRow)
        {
            table = torch.cat([torch.zeros(1, Dimension), table], 0);
        }
        return table.to(device ?? torch.CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the cache to <paramref name="path"/> (through a temporary file, so a crash never leaves half a file).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (DatasetFingerprint is null)
        {
            throw new InvalidOperationException($"Cannot save item embeddings of '{DatasetName}' to {path} without the dataset fingerprint they were made for.");
        }
        Write(path, DatasetName, DatasetFingerprint, ItemOrder, Dimension, Fingerprint, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(_values.AsSpan()))),
            stream => stream.Write(MemoryMarshal.AsBytes(_values.AsSpan())), AtomicFileWriter.Default);
    }

    /// <summary>Reads only the metadata of <paramref name="path"/> (fast; the embeddings stay on disk).</summary>
    public static ItemEmbeddingCacheInfo ReadInfo(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Item-embedding cache '{path}' does not exist; create it with 'llmcfsr embed'.", path);
        }
        var (metadata, rows, columns, dataStart) = SafetensorsFile.ReadHeader(path, TensorName);
        string Field(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{path}: metadata field '{key}' is missing; this is not an LlmCfsr item-embedding cache (format {Format}).");

        var format = Field("format");
        if (format == FormatWithoutProvenance)
        {
            throw new InvalidDataException(
                $"{path}: metadata field 'format' is '{format}': made before caches recorded their provenance (dataset fingerprint, adapter, kind), so it cannot be checked. "
                + $"Re-embed: llmcfsr embed --data PREPARED_DIR --out {path} (with the --encoder/--model/--adapter it was made with).");
        }
        if (format != Format)
        {
            throw new InvalidDataException($"{path}: metadata field 'format' is '{format}'; this version reads '{Format}'.");
        }
        string[] itemOrder;
        try
        {
            itemOrder = JsonSerializer.Deserialize<string[]>(Field("item_order")) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata field 'item_order' is not a JSON array of strings ({e.Message}).", e);
        }
        if (itemOrder.Length != rows)
        {
            throw new InvalidDataException($"{path}: metadata field 'item_order' lists {itemOrder.Length} items but tensor '{TensorName}' has {rows} rows.");
        }
        if (!Enum.TryParse<EmbeddingPooling>(Field("pooling"), out var pooling) || !bool.TryParse(Field("normalized"), out var normalized))
        {
            throw new InvalidDataException($"{path}: metadata fields 'pooling' ('{metadata.GetValueOrDefault("pooling")}') or 'normalized' ('{metadata.GetValueOrDefault("normalized")}') are not valid.");
        }
        var kind = Field("kind");
        if (kind is not (ItemEmbeddingFingerprint.RawKind or ItemEmbeddingFingerprint.FineTunedKind or ItemEmbeddingFingerprint.SaidStage1Kind))
        {
            throw new InvalidDataException($"{path}: metadata field 'kind' is '{kind}'; expected '{ItemEmbeddingFingerprint.RawKind}', '{ItemEmbeddingFingerprint.FineTunedKind}' or '{ItemEmbeddingFingerprint.SaidStage1Kind}'.");
        }
        var objective = metadata.GetValueOrDefault(ObjectiveKey);
        if (objective is not (null or Unknown or ItemEmbeddingFingerprint.CftObjective or ItemEmbeddingFingerprint.ScftObjective or ItemEmbeddingFingerprint.SaidObjective or ItemEmbeddingFingerprint.NoObjective))
        {
            throw new InvalidDataException($"{path}: metadata field '{ObjectiveKey}' is '{objective}'; expected '{ItemEmbeddingFingerprint.CftObjective}', '{ItemEmbeddingFingerprint.ScftObjective}', "
                + $"'{ItemEmbeddingFingerprint.SaidObjective}', '{ItemEmbeddingFingerprint.NoObjective}' or '{Unknown}'.");
        }
        var fingerprint = new ItemEmbeddingFingerprint(Field("encoder"), Field("model"), pooling, Field("prompt_template"), normalized)
        {
            Adapter = Field("adapter"),
            FineTuned = kind != ItemEmbeddingFingerprint.RawKind,
            SaidStage1 = kind == ItemEmbeddingFingerprint.SaidStage1Kind,
            // Absent in caches written before it was recorded: unknown. Raw and SAID's objectives follow from the kind (the
            // fingerprint derives them), so only a fine-tuned cache's is kept.
            Objective = kind == ItemEmbeddingFingerprint.FineTunedKind && objective is not Unknown ? objective : null,
        };
        return new ItemEmbeddingCacheInfo(path, Field("dataset"), itemOrder, (int)columns, fingerprint, dataStart) {
            DatasetFingerprint = Field("dataset_fingerprint"),
            DataSha256 = metadata.GetValueOrDefault(DataSha256Key),
        };
    }

    /// <summary>
    /// Loads <paramref name="path"/> without checking what produced it (inspect <see cref="Fingerprint"/> yourself),
    /// after checking the data against its SHA-256 (files written before it was recorded have none) and that every value
    /// is finite.
    /// </summary>
    /// <exception cref="InvalidDataException">The data is damaged or holds NaN or infinity; the message names the file and row.</exception>
    public static ItemEmbeddingCache Load(string path)
    {
        var info = ReadInfo(path);
        SafetensorsFile.EnsureLittleEndian();
        var values = SafetensorsFile.ReadFloats(path, info.DataStart, (long)info.ItemOrder.Count * info.Dimension);
        if (info.DataSha256 is { } expected && Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(values.AsSpan()))) != expected)
        {
            throw new InvalidDataException($"{path}: the embeddings' SHA-256 differs from metadata field '{DataSha256Key}'; the file is damaged. Write it again with 'llmcfsr embed'.");
        }
        SafetensorsFile.EnsureFinite(path, values, info.Dimension, row => $"item '{info.ItemOrder[row]}'");
        return new ItemEmbeddingCache(info.DatasetName, info.ItemOrder, info.Dimension, values, info.Fingerprint, info.DatasetFingerprint);
    }

    /// <summary>
    /// Loads <paramref name="path"/> and checks that it was made with <paramref name="expected"/> for exactly
    /// <paramref name="dataset"/> and its items in their id order; throws <see cref="InvalidDataException"/> naming what differs.
    /// </summary>
    public static ItemEmbeddingCache Load(string path, ItemEmbeddingFingerprint expected, PreparedDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var info = ReadInfo(path);
        info.EnsureMatches(expected, dataset.ItemSourceIds);
        info.EnsureDataset(dataset);
        return Load(path);
    }

    /// <summary>A short stable hash of an item order (for checkpoints that do not store the whole order).</summary>
    internal static string HashItemOrder(IReadOnlyList<string> itemOrder)
        => Convert.ToHexStringLower(SHA256.HashData(SafetensorsFile.Utf8Json(itemOrder)))[..16];

    private const string DataSha256Key = "data_sha256";

    /// <summary>The metadata field of <see cref="ItemEmbeddingFingerprint.Objective"/>; "unknown" when the objective is not known.</summary>
    private const string ObjectiveKey = "objective";

    private const string Unknown = "unknown";

    /// <summary>
    /// Writes header and data (from <paramref name="writeData"/>, whose SHA-256 is <paramref name="dataSha256"/>) to
    /// <paramref name="path"/> atomically through <paramref name="writer"/>.
    /// </summary>
    internal static void Write(string path, string datasetName, string datasetFingerprint, IReadOnlyList<string> itemOrder, int dimension, ItemEmbeddingFingerprint fingerprint,
        string dataSha256, Action<Stream> writeData, AtomicFileWriter writer)
    {
        SafetensorsFile.EnsureLittleEndian();
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("format", Format),
            new("dataset", datasetName),
            new("dataset_fingerprint", datasetFingerprint),
            new("encoder", fingerprint.Encoder),
            new("model", fingerprint.Model),
            new("adapter", fingerprint.Adapter),
            new("kind", fingerprint.Kind),
            new(ObjectiveKey, fingerprint.Objective ?? Unknown),
            new("pooling", fingerprint.Pooling.ToString()),
            new("prompt_template", fingerprint.PromptTemplate),
            new("normalized", fingerprint.Normalized ? "true" : "false"),
            new("items", itemOrder.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("dimension", dimension.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("item_order", JsonSerializer.Serialize(itemOrder)),
            new(DataSha256Key, dataSha256),
        };
        var header = SafetensorsFile.Header(TensorName, itemOrder.Count, dimension, metadata);
        writer.Write(path, stream =>
        {
            stream.Write(header);
            long start = stream.Position;
            writeData(stream);
            long expected = (long)itemOrder.Count * dimension * sizeof(float);
            if (stream.Position - start != expected)
            {
                throw new InvalidOperationException($"Wrote {stream.Position - start} embedding bytes for {path}; {expected} were expected.");
            }
        });
    }
}
