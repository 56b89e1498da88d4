namespace LlmCfsr.Embeddings;

/// <summary>Progress of an item-embedding run.</summary>
/// <param name="Completed">Items embedded so far, including those a resumed run found on disk.</param>
/// <param name="Total">Items in the dataset.</param>
/// <param name="ResumedFrom">Items already on disk when this run started (0 for a fresh run).</param>
/// <param name="Elapsed">Time since this run started.</param>
public sealed record ItemEmbeddingProgress(int Completed, int Total, int ResumedFrom, TimeSpan Elapsed)
{
    /// <summary>Items per second embedded by this run (items found on disk are not counted).</summary>
    public double ItemsPerSecond => Elapsed.TotalSeconds > 0 ? (Completed - ResumedFrom) / Elapsed.TotalSeconds : 0;
}
