using Cloud.Unum.USearch;
using LlmCfsr.Recommendation;

namespace LlmCfsr.ItemIndex.USearch;

/// <summary>
/// Approximate top-k by inner product through a USearch HNSW graph (float32 vectors, metric "ip"), for catalogues
/// where scoring every item per request is too slow. Filters stay exact: a small allow-list (at most 1/8 of the
/// catalogue) is scored exactly, row by row; otherwise the graph is asked for more neighbours than k (k plus the
/// excluded rows, scaled up by the allow-list's share) and asked again with twice as many until k accepted rows
/// come back, falling back to an exact search when the whole graph was asked. Searches run concurrently, at most
/// one per processor: USearch serves a search with one of the per-thread contexts it reserves when vectors are
/// added (one per hardware thread), and its native index fails a search that finds none free rather than waiting
/// (as in the releases read for this plugin), so further callers wait here for a free one.
/// </summary>
internal sealed class USearchItemIndex : IItemIndex
{
    /// <summary>The name it is registered under.</summary>
    public const string IndexName = "usearch";

    /// <summary>Vectors handed to USearch per call while building (bounds the temporary jagged copy).</summary>
    private const int AddChunk = 16_384;

    /// <summary>An allow-list of at most Count / this many rows is scored exactly: cheaper than a graph search that rejects most neighbours.</summary>
    private const int ExactAllowListShare = 8;

    private readonly USearchIndex _index;
    private readonly ExactItemIndex _exact;
    private readonly SemaphoreSlim _contexts;
    private readonly int _expansionSearch;
    private bool _disposed;

    /// <summary>Builds the graph over <paramref name="items"/> (row r is key r).</summary>
    public USearchItemIndex(ItemVectors items, USearchItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        Count = items.Count;
        Dimensions = items.Dimensions;
        _expansionSearch = options.ExpansionSearch;
        _exact = new ExactItemIndex(items);
        _index = new USearchIndex(MetricKind.Ip, ScalarKind.Float32, (ulong)items.Dimensions,
            (ulong)options.Connectivity, (ulong)options.ExpansionAdd, (ulong)options.ExpansionSearch);
        try
        {
            for (int start = 0; start < items.Count; start += AddChunk)
            {
                int count = Math.Min(AddChunk, items.Count - start);
                var keys = new ulong[count];
                var vectors = new float[count][];
                for (int i = 0; i < count; i++)
                {
                    keys[i] = (ulong)(start + i);
                    vectors[i] = items.Row(start + i).ToArray();
                }
                _index.Add(keys, vectors);
            }
        }
        catch
        {
            _index.Dispose();
            throw;
        }
        _contexts = new SemaphoreSlim(Environment.ProcessorCount, Environment.ProcessorCount);
    }

    /// <inheritdoc />
    public string Name => IndexName;

    /// <inheritdoc />
    public bool IsExact => false;

    /// <inheritdoc />
    public int Count { get; }

    /// <inheritdoc />
    public int Dimensions { get; }

    /// <inheritdoc />
    public IReadOnlyList<ItemMatch> Search(ReadOnlySpan<float> query, int k, ItemFilter? filter = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"Expected a query of {Dimensions} values; got {query.Length}.", nameof(query));
        }
        if (filter?.Allowed is { } allowed && (long)allowed.Count * ExactAllowListShare <= Count)
        {
            return _exact.Search(query, k, filter);
        }
        k = Math.Min(k, Count);
        var vector = query.ToArray();
        long wanted = k + (filter?.Excluded.Count ?? 0);
        if (filter?.Allowed is { Count: > 0 } share)
        {
            wanted = (long)Math.Ceiling(wanted * (double)Count / share.Count);
        }
        int asked = (int)Math.Min(Count, wanted);
        while (true)
        {
            var accepted = Neighbours(vector, asked).Where(m => filter is null || filter.Accepts(m.Item)).Take(k).ToList();
            if (accepted.Count == k)
            {
                return accepted;
            }
            if (asked == Count)
            {
                // The graph did not reach enough accepted rows even when asked for all: only an exact pass can tell.
                return _exact.Search(query, k, filter);
            }
            asked = (int)Math.Min(Count, 2L * asked);
        }
    }

    /// <summary>The graph's <paramref name="count"/> nearest rows by inner product, best first.</summary>
    private IEnumerable<ItemMatch> Neighbours(float[] query, int count)
    {
        ulong[] keys;
        float[] distances;
        _contexts.Wait();
        try
        {
            _index.Search(query, count, out keys, out distances);
        }
        finally
        {
            _contexts.Release();
        }
        // USearch's inner-product distance is 1 - q·x.
        return keys.Select((key, i) => new ItemMatch((int)key, 1f - distances[i]));
    }

    /// <summary>Frees the native graph.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _index.Dispose();
        _exact.Dispose();
        _contexts.Dispose();
    }
}
