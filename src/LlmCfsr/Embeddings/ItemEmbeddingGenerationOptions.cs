namespace LlmCfsr.Embeddings;

/// <summary>Settings of <see cref="ItemEmbeddingGenerator"/>.</summary>
public sealed class ItemEmbeddingGenerationOptions
{
    /// <summary>Texts per forward pass of the encoder.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Items encoded between checkpoints: after each such chunk the rows are flushed to disk, so an
    /// interrupted run loses at most one chunk. A resumed run keeps the interval of the run it resumes.
    /// </summary>
    public int CheckpointInterval { get; init; } = 1024;

    /// <summary>Ask the encoder for L2-normalised embeddings (part of the cache fingerprint).</summary>
    public bool Normalize { get; init; }

    /// <summary>Throws with a clear message when a setting is out of range.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The embedding batch size must be at least 1.");
        }
        if (CheckpointInterval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "The checkpoint interval must be at least 1 item.");
        }
    }
}
