using LlmCfsr.Data;

namespace LlmCfsr.Embeddings;

/// <summary>The metadata of an item-embedding cache file, read without loading its embeddings.</summary>
/// <param name="Path">The file.</param>
/// <param name="DatasetName">Dataset the items come from.</param>
/// <param name="ItemOrder">Source id of the item in each row.</param>
/// <param name="Dimension">Embedding size.</param>
/// <param name="Fingerprint">What produced the embeddings.</param>
/// <param name="DataStart">Byte offset of the first float.</param>
public sealed record ItemEmbeddingCacheInfo(string Path, string DatasetName, IReadOnlyList<string> ItemOrder, int Dimension, ItemEmbeddingFingerprint Fingerprint, long DataStart)
{
    /// <summary>Fingerprint of the prepared dataset the embeddings were made for (metadata field 'dataset_fingerprint').</summary>
    public required string DatasetFingerprint { get; init; }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the file and the field 'dataset_fingerprint' unless the
    /// embeddings were made for exactly <paramref name="dataset"/>.
    /// </summary>
    public void EnsureDataset(PreparedDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (DatasetFingerprint != dataset.Fingerprint)
        {
            throw new InvalidDataException(
                $"{Path}: metadata field 'dataset_fingerprint' is {DatasetFingerprint} (dataset '{DatasetName}') but the prepared dataset '{dataset.Name}' has {dataset.Fingerprint}; "
                + "these embeddings were made for another dataset: re-embed with 'llmcfsr embed' for this prepared dataset.");
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the file, the field 'kind' and <paramref name="option"/> unless
    /// the embeddings were made by an encoder that was not fine-tuned.
    /// </summary>
    public void EnsureRaw(string option)
    {
        if (Fingerprint.FineTuned)
        {
            throw new InvalidDataException(
                $"{Path}: metadata field 'kind' is '{Fingerprint.Kind}' (adapter '{Fingerprint.Adapter}') but {option} needs raw LLM embeddings; "
                + "embed the items without --adapter and pass that file.");
        }
    }

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless the file was made with <paramref name="expected"/> for
    /// exactly <paramref name="itemOrder"/>; the message names the first difference and how to fix it.
    /// </summary>
    public void EnsureMatches(ItemEmbeddingFingerprint expected, IReadOnlyList<string> itemOrder)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(itemOrder);
        var differences = Fingerprint.Differences(expected);
        if (differences.Count > 0)
        {
            throw new InvalidDataException(
                $"{Path}: these item embeddings were made differently from what is asked for ({string.Join("; ", differences)}; file vs requested). "
                + "Regenerate them with 'llmcfsr embed' for this encoder and template, or point to the matching file.");
        }
        if (ItemOrder.Count != itemOrder.Count)
        {
            throw new InvalidDataException(
                $"{Path}: holds {ItemOrder.Count} items of dataset '{DatasetName}' but the dataset has {itemOrder.Count}; regenerate the embeddings for this prepared dataset.");
        }
        for (int i = 0; i < itemOrder.Count; i++)
        {
            if (!string.Equals(ItemOrder[i], itemOrder[i], StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"{Path}: row {i} (item id {i + 1}) is item '{ItemOrder[i]}' but the dataset's item id {i + 1} is '{itemOrder[i]}'; the item order differs, so regenerate the embeddings for this prepared dataset.");
            }
        }
    }
}
