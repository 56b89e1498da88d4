namespace LlmCfsr.Recommendation;

/// <summary>
/// The default <see cref="IItemIndex"/>: scores every accepted row (only the allow-list's rows when one is given)
/// and keeps the true top-k; equal scores rank the lower row first. Read-only after construction, so concurrent
/// searches need no lock. A batch reads each item vector once for all its queries.
/// </summary>
public sealed class ExactItemIndex : IItemIndex
{
    /// <summary>The name it is registered under.</summary>
    public const string IndexName = "exact";

    private readonly ItemVectors _items;

    /// <summary>Creates the index over <paramref name="items"/> (kept by reference).</summary>
    public ExactItemIndex(ItemVectors items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items;
    }

    /// <inheritdoc />
    public string Name => IndexName;

    /// <inheritdoc />
    public bool IsExact => true;

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <inheritdoc />
    public int Dimensions => _items.Dimensions;

    /// <inheritdoc />
    public IReadOnlyList<ItemMatch> Search(ReadOnlySpan<float> query, int k, ItemFilter? filter = null)
    {
        CheckQuery(query.Length, 1, k);
        var top = new TopMatches(k);
        if (filter?.Allowed is { } allowed && allowed.Count < Count)
        {
            foreach (int row in allowed)
            {
                if ((uint)row < (uint)Count && !filter.Excluded.Contains(row))
                {
                    top.Offer(row, VectorMath.Dot(_items.Row(row), query));
                }
            }
            return top.ToList();
        }
        for (int row = 0; row < Count; row++)
        {
            if (filter is null || filter.Accepts(row))
            {
                top.Offer(row, VectorMath.Dot(_items.Row(row), query));
            }
        }
        return top.ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<IReadOnlyList<ItemMatch>> SearchBatch(ReadOnlySpan<float> queries, int k, IReadOnlyList<ItemFilter?> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        CheckQuery(queries.Length, filters.Count, k);
        // Allow-listed queries touch few rows: search them alone. The others share one pass over the table.
        var results = new IReadOnlyList<ItemMatch>[filters.Count];
        var shared = new List<int>(filters.Count);
        for (int i = 0; i < filters.Count; i++)
        {
            if (filters[i]?.Allowed is { } allowed && allowed.Count < Count)
            {
                results[i] = Search(queries.Slice(i * Dimensions, Dimensions), k, filters[i]);
            }
            else
            {
                shared.Add(i);
            }
        }
        var tops = shared.Select(_ => new TopMatches(k)).ToArray();
        for (int row = 0; row < Count; row++)
        {
            var vector = _items.Row(row);
            for (int j = 0; j < shared.Count; j++)
            {
                int query = shared[j];
                if (filters[query] is not { } filter || filter.Accepts(row))
                {
                    tops[j].Offer(row, VectorMath.Dot(vector, queries.Slice(query * Dimensions, Dimensions)));
                }
            }
        }
        for (int j = 0; j < shared.Count; j++)
        {
            results[shared[j]] = tops[j].ToList();
        }
        return results;
    }

    private void CheckQuery(int length, int queries, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (length != queries * Dimensions)
        {
            throw new ArgumentException($"Expected {queries} quer{(queries == 1 ? "y" : "ies")} of {Dimensions} values; got {length} values.");
        }
    }

    /// <summary>Nothing to release: the table belongs to its owner.</summary>
    public void Dispose()
    {
    }
}
