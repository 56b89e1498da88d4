namespace LlmCfsr.Recommendation;

/// <summary>
/// What <see cref="Recommender"/> needs of a model whose score is an inner product, score(u, i) = user(u) · item(i):
/// a table of item vectors and a function from histories to user vectors. Item ids are the model's (1..ItemCount;
/// 0 is padding); table row r holds item r + 1. Implementations are safe for concurrent calls.
/// </summary>
internal interface IVectorScoringModel
{
    /// <summary>Number of items (ids 1..ItemCount).</summary>
    int ItemCount { get; }

    /// <summary>The item vectors: row r is item r + 1; computed once, owned by the caller.</summary>
    ItemVectors ItemVectors();

    /// <summary>
    /// User vectors, row-major [histories.Count × Dimensions], for non-empty histories of item ids (newest last).
    /// </summary>
    float[] UserVectors(IReadOnlyList<long[]> histories);
}
