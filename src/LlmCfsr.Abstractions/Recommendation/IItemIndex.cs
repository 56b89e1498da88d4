namespace LlmCfsr.Recommendation;

/// <summary>
/// Top-k search by inner product over a fixed table of item vectors (<see cref="ItemVectors"/>), the last step of
/// a recommendation: score(user, item) = user · item. Built by an <see cref="IItemIndexFactory"/>. Exact indexes
/// return the true top-k; approximate ones (HNSW) trade some recall for speed on large catalogues. Every index
/// honours the <see cref="ItemFilter"/> exactly (a filtered-out row is never returned, whatever the recall) and is
/// safe for concurrent searches from many threads.
/// </summary>
public interface IItemIndex : IDisposable
{
    /// <summary>The name of the factory that built it (e.g. "exact", "usearch").</summary>
    string Name { get; }

    /// <summary>Whether results are the true top-k (ties in any order) rather than an approximation.</summary>
    bool IsExact { get; }

    /// <summary>Number of items (rows 0..Count-1).</summary>
    int Count { get; }

    /// <summary>Length of item and query vectors.</summary>
    int Dimensions { get; }

    /// <summary>
    /// The (at most) <paramref name="k"/> accepted rows with the highest inner product with <paramref name="query"/>,
    /// best first. Fewer come back only when the filter accepts fewer rows.
    /// </summary>
    IReadOnlyList<ItemMatch> Search(ReadOnlySpan<float> query, int k, ItemFilter? filter = null);

    /// <summary>
    /// <see cref="Search"/> for <c>filters.Count</c> queries stored row-major in <paramref name="queries"/>, query i
    /// filtered by <c>filters[i]</c>. The default searches one query at a time; an index that gains from batching overrides it.
    /// </summary>
    IReadOnlyList<IReadOnlyList<ItemMatch>> SearchBatch(ReadOnlySpan<float> queries, int k, IReadOnlyList<ItemFilter?> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (queries.Length != filters.Count * Dimensions)
        {
            throw new ArgumentException($"Expected {filters.Count} queries of {Dimensions} values ({filters.Count * Dimensions}); got {queries.Length}.", nameof(queries));
        }
        var results = new IReadOnlyList<ItemMatch>[filters.Count];
        for (int i = 0; i < results.Length; i++)
        {
            results[i] = Search(queries.Slice(i * Dimensions, Dimensions), k, filters[i]);
        }
        return results;
    }
}
