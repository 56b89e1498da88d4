using System.Text.Json;
using LlmCfsr.Storage;

namespace LlmCfsr.Embeddings;

/// <summary>
/// State of an unfinished run, stored next to its raw rows ("OUT.partial") as "OUT.partial.json": what the
/// rows were made with, how many are complete and the SHA-256 of their bytes (checked on resume, so damaged rows are
/// refused by name; null in files written before it was recorded). Rows past <see cref="Completed"/> are discarded on resume.
/// </summary>
internal sealed record ItemEmbeddingCheckpoint(
    string Format,
    string Dataset,
    int Items,
    string ItemOrderHash,
    int Dimension,
    int ChunkSize,
    ItemEmbeddingFingerprint Fingerprint,
    int Completed,
    string? RowsSha256 = null)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static ItemEmbeddingCheckpoint? TryRead(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ItemEmbeddingCheckpoint>(File.ReadAllText(path), Json)
                   ?? throw new InvalidDataException($"{path}: empty checkpoint.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the embedding checkpoint is not valid JSON ({e.Message}); delete it and {Path.ChangeExtension(path, null)} to start over.", e);
        }
    }

    /// <summary>Writes atomically so the state on disk is always a complete one.</summary>
    public void Write(AtomicFileWriter writer, string path) => writer.WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Whether a checkpoint was made by the same run configuration (everything but progress).</summary>
    public bool SameRunAs(ItemEmbeddingCheckpoint other)
        => Format == other.Format && Dataset == other.Dataset && Items == other.Items && ItemOrderHash == other.ItemOrderHash
           && Dimension == other.Dimension && Fingerprint == other.Fingerprint;
}
