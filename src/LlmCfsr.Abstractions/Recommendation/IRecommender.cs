namespace LlmCfsr.Recommendation;

/// <summary>
/// Recommends the next items for users given their histories, in the ids of the source data. Histories list
/// item ids oldest first (newest last). Results exclude the items of the history unless
/// <see cref="RecommendationOptions.ExcludeSeen"/> is false, and can be restricted to an allow-list or stripped of
/// a deny-list. Ids the recommender does not know are skipped and reported in the result, never an error.
/// Implementations are safe for concurrent calls from many threads without any lock held by the caller.
/// </summary>
public interface IRecommender
{
    /// <summary>Number of items that can be recommended.</summary>
    int ItemCount { get; }

    /// <summary>
    /// The <paramref name="k"/> best items after <paramref name="history"/> (source ids, newest last), best
    /// first. Fewer than <paramref name="k"/> come back when the filters leave fewer candidates, and none when no
    /// item of the history is known.
    /// </summary>
    Recommendations Recommend(IReadOnlyList<string> history, int k, RecommendationOptions? options = null);

    /// <summary>
    /// <see cref="Recommend"/> for many users at once (one model pass per batch); the options apply to every
    /// history. Returns one result per history, in order.
    /// </summary>
    IReadOnlyList<Recommendations> RecommendBatch(IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null);

    /// <summary>
    /// <see cref="Recommend"/> off the caller's thread (the work is CPU- or GPU-bound), for hosts that must not
    /// block a request thread. Cancellation is observed before the work starts.
    /// </summary>
    Task<Recommendations> RecommendAsync(IReadOnlyList<string> history, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary><see cref="RecommendBatch"/> off the caller's thread; cancellation is observed before the work starts.</summary>
    Task<IReadOnlyList<Recommendations>> RecommendBatchAsync(
        IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default);
}
