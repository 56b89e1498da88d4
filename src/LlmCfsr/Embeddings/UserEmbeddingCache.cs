using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using LlmCfsr.Data;
using TorchSharp;

namespace LlmCfsr.Embeddings;

/// <summary>
/// User embeddings on disk (LLM-ESR's retrieval of similar users): a safetensors file with one float32 tensor
/// "embeddings" [users, d] whose row u - 1 belongs to user id u, and metadata holding the user order, the
/// dataset name and fingerprint (the embeddings encode the users' training histories, so they belong to exactly
/// one prepared dataset), the encoder fingerprint, model id, adapter and kind (raw or fine-tuned) and how the
/// history texts were rendered. Files of format 1, which lack the model, adapter and kind, are refused with how
/// to re-embed.
/// Written by <c>llmcfsr embed --users</c> (<see cref="UserEmbeddingGenerator"/>).
/// </summary>
public sealed class UserEmbeddingCache
{
    /// <summary>Format tag stored in the metadata.</summary>
    public const string Format = "llmcfsr.user-embeddings/2";

    private readonly float[] _values;

    /// <summary>Wraps user embeddings in memory (row-major [users, dimension]).</summary>
    public UserEmbeddingCache(string datasetName, string datasetFingerprint, IReadOnlyList<string> userOrder, int dimension, float[] values, string encoderFingerprint, string textFormat)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetName);
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetFingerprint);
        ArgumentNullException.ThrowIfNull(userOrder);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentException.ThrowIfNullOrWhiteSpace(encoderFingerprint);
        ArgumentException.ThrowIfNullOrWhiteSpace(textFormat);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if (values.LongLength != (long)userOrder.Count * dimension)
        {
            throw new ArgumentException($"{values.LongLength} values for {userOrder.Count} users of dimension {dimension}.", nameof(values));
        }
        DatasetName = datasetName;
        DatasetFingerprint = datasetFingerprint;
        UserOrder = userOrder;
        Dimension = dimension;
        _values = values;
        EncoderFingerprint = encoderFingerprint;
        TextFormat = textFormat;
    }

    /// <summary>Name of the dataset the users come from.</summary>
    public string DatasetName { get; }

    /// <summary>Fingerprint of the prepared dataset whose training histories were embedded.</summary>
    public string DatasetFingerprint { get; }

    /// <summary>Source id of the user in each row (row u - 1 is user id u).</summary>
    public IReadOnlyList<string> UserOrder { get; }

    /// <summary>Embedding size.</summary>
    public int Dimension { get; }

    /// <summary>The encoder's fingerprint.</summary>
    public string EncoderFingerprint { get; }

    /// <summary>How a history became text (see <see cref="UserHistoryText.Describe"/>).</summary>
    public string TextFormat { get; }

    /// <summary>The encoder's model id (metadata field 'model').</summary>
    public string Model { get; init; } = "unknown";

    /// <summary>The adapter applied to the encoder's weights, or "none" (metadata field 'adapter').</summary>
    public string Adapter { get; init; } = "none";

    /// <summary>Whether the encoder was fine-tuned (metadata field 'kind': "fine-tuned" or "raw").</summary>
    public bool FineTuned { get; init; }

    /// <summary>"fine-tuned" or "raw".</summary>
    public string Kind => FineTuned ? ItemEmbeddingFingerprint.FineTunedKind : ItemEmbeddingFingerprint.RawKind;

    /// <summary>A short description for run manifests: encoder, text format, dataset fingerprint.</summary>
    public string Fingerprint => $"{EncoderFingerprint}|{Kind}|{TextFormat}|{DatasetFingerprint}";

    /// <summary>A new float32 tensor [users, dimension] on <paramref name="device"/> (CPU when null).</summary>
    public torch.Tensor ToTensor(torch.Device? device = null)
    {
        using var scope = torch.NewDisposeScope();
        return torch.tensor(_values, [UserOrder.Count, Dimension]).to(device ?? torch.CPU).MoveToOuterDisposeScope();
    }

    /// <summary>Throws <see cref="InvalidDataException"/> unless the file embeds exactly <paramref name="dataset"/>'s users and training histories.</summary>
    public void EnsureMatches(PreparedDataset dataset, string path)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (DatasetFingerprint != dataset.Fingerprint)
        {
            throw new InvalidDataException(
                $"{path}: these user embeddings were made for dataset '{DatasetName}' ({DatasetFingerprint}), not for '{dataset.Name}' ({dataset.Fingerprint}); regenerate them with 'llmcfsr embed --users' for this prepared dataset.");
        }
        if (UserOrder.Count != dataset.UserCount || !UserOrder.SequenceEqual(dataset.UserSourceIds, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{path}: the user order differs from dataset '{dataset.Name}'; regenerate the user embeddings for this prepared dataset.");
        }
    }

    /// <summary>Writes the cache to <paramref name="path"/> through a temporary file.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        SafetensorsFile.EnsureLittleEndian();
        var metadata = new List<KeyValuePair<string, string>>
        {
            new("format", Format),
            new("dataset", DatasetName),
            new("dataset_fingerprint", DatasetFingerprint),
            new("encoder", EncoderFingerprint),
            new("model", Model),
            new("adapter", Adapter),
            new("kind", Kind),
            new("text_format", TextFormat),
            new("users", UserOrder.Count.ToString(CultureInfo.InvariantCulture)),
            new("dimension", Dimension.ToString(CultureInfo.InvariantCulture)),
            new("user_order", JsonSerializer.Serialize(UserOrder)),
        };
        var header = SafetensorsFile.Header(ItemEmbeddingCache.TensorName, UserOrder.Count, Dimension, metadata);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(header);
            stream.Write(MemoryMarshal.AsBytes(_values.AsSpan()));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Loads <paramref name="path"/>; the error names the file and the missing or invalid field.</summary>
    public static UserEmbeddingCache Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"User-embedding file '{path}' does not exist; create it with 'llmcfsr embed --users'.", path);
        }
        var (metadata, rows, columns, dataStart) = SafetensorsFile.ReadHeader(path, ItemEmbeddingCache.TensorName);
        string Field(string key) => metadata.TryGetValue(key, out var value)
            ? value
            : throw new InvalidDataException($"{path}: metadata field '{key}' is missing; this is not an LlmCfsr user-embedding file (format {Format}).");
        if (Field("format") == "llmcfsr.user-embeddings/1")
        {
            throw new InvalidDataException(
                $"{path}: metadata field 'format' is 'llmcfsr.user-embeddings/1': made before user embeddings recorded their model, adapter and kind. "
                + $"Re-embed: llmcfsr embed --users --data PREPARED_DIR --out {path}.");
        }
        if (Field("format") != Format)
        {
            throw new InvalidDataException($"{path}: metadata field 'format' is '{Field("format")}'; this version reads '{Format}' (item embeddings go to --embeddings).");
        }
        string[] userOrder;
        try
        {
            userOrder = JsonSerializer.Deserialize<string[]>(Field("user_order")) ?? [];
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: metadata field 'user_order' is not a JSON array of strings ({e.Message}).", e);
        }
        if (userOrder.Length != rows)
        {
            throw new InvalidDataException($"{path}: metadata field 'user_order' lists {userOrder.Length} users but tensor '{ItemEmbeddingCache.TensorName}' has {rows} rows.");
        }
        SafetensorsFile.EnsureLittleEndian();
        var values = SafetensorsFile.ReadFloats(path, dataStart, rows * columns);
        var kind = Field("kind");
        if (kind is not (ItemEmbeddingFingerprint.RawKind or ItemEmbeddingFingerprint.FineTunedKind))
        {
            throw new InvalidDataException($"{path}: metadata field 'kind' is '{kind}'; expected '{ItemEmbeddingFingerprint.RawKind}' or '{ItemEmbeddingFingerprint.FineTunedKind}'.");
        }
        return new UserEmbeddingCache(Field("dataset"), Field("dataset_fingerprint"), userOrder, (int)columns, values, Field("encoder"), Field("text_format"))
        {
            Model = Field("model"),
            Adapter = Field("adapter"),
            FineTuned = kind == ItemEmbeddingFingerprint.FineTunedKind,
        };
    }
}
