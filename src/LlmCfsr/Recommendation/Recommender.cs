using LlmCfsr.Models;

namespace LlmCfsr.Recommendation;

/// <summary>
/// The <see cref="IRecommender"/> of models that score by inner product (every id-only, single-view and dual-view
/// model of the SDK): item vectors are computed once into an <see cref="IItemIndex"/> (exact unless another factory
/// is given), each request maps source ids to model ids, encodes the known history into a user vector and searches
/// the index under the request's filters. Immutable after construction: concurrent calls need no lock. The model
/// stays its owner's (not disposed here) and must not be trained while in use; dispose the recommender to release the index.
/// </summary>
public sealed class Recommender : IRecommender, IDisposable
{
    /// <summary>Histories encoded per model pass in <see cref="RecommendBatch"/>.</summary>
    private const int BatchSize = 256;

    private static readonly IReadOnlyList<string> None = [];

    private readonly IVectorScoringModel _model;
    private readonly IReadOnlyList<string> _itemIds;
    private readonly Dictionary<string, int> _rows;
    private readonly IItemIndex _index;

    internal Recommender(IVectorScoringModel model, IReadOnlyList<string> itemSourceIds, IItemIndexFactory? indexFactory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(itemSourceIds);
        if (itemSourceIds.Count != model.ItemCount)
        {
            throw new ArgumentException($"The model has {model.ItemCount} items but {itemSourceIds.Count} source ids were given.", nameof(itemSourceIds));
        }
        _rows = new Dictionary<string, int>(itemSourceIds.Count, StringComparer.Ordinal);
        for (int row = 0; row < itemSourceIds.Count; row++)
        {
            if (!_rows.TryAdd(itemSourceIds[row] ?? throw new ArgumentException($"Source id of item {row + 1} is null.", nameof(itemSourceIds)), row))
            {
                throw new ArgumentException($"Source id '{itemSourceIds[row]}' is given for items {_rows[itemSourceIds[row]] + 1} and {row + 1}.", nameof(itemSourceIds));
            }
        }
        _model = model;
        _itemIds = [.. itemSourceIds];
        _index = (indexFactory ?? new ExactItemIndexFactory()).Build(model.ItemVectors());
    }

    /// <summary>
    /// A recommender over a trained <paramref name="model"/> whose item ids 1..ItemCount have the source ids
    /// <paramref name="itemSourceIds"/> (in id order, e.g. <c>PreparedDataset.ItemSourceIds</c>). The model is switched to
    /// evaluation mode. Throws <see cref="NotSupportedException"/> for a model whose scores are not an inner product
    /// of its history state and item representation.
    /// </summary>
    public static Recommender Create(SequentialRecommender model, IReadOnlyList<string> itemSourceIds, IItemIndexFactory? indexFactory = null)
        => new(new SequentialRecommenderVectors(model), itemSourceIds, indexFactory);

    /// <inheritdoc />
    public int ItemCount => _itemIds.Count;

    /// <summary>The index the recommender searches.</summary>
    public IItemIndex Index => _index;

    /// <inheritdoc />
    public Recommendations Recommend(IReadOnlyList<string> history, int k, RecommendationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        return RecommendBatch([history], k, options)[0];
    }

    /// <inheritdoc />
    public IReadOnlyList<Recommendations> RecommendBatch(IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(histories);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        options ??= RecommendationOptions.Default;
        var (allowed, denied, unknownFilterItems) = FilterRows(options);
        var requests = new Request[histories.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            requests[i] = Map(histories[i] ?? throw new ArgumentException($"History {i} is null.", nameof(histories)));
        }
        var results = new Recommendations[requests.Length];
        var known = Enumerable.Range(0, requests.Length).Where(i => requests[i].Ids.Length > 0).ToList();
        foreach (var chunk in known.Chunk(BatchSize))
        {
            var users = _model.UserVectors([.. chunk.Select(i => requests[i].Ids)]);
            if (!Array.TrueForAll(users, float.IsFinite))
            {
                // A broken model (diverged weights) would otherwise rank nothing, silently.
                throw new InvalidOperationException("The model produced a non-finite user vector; its weights are unusable for recommendation.");
            }
            var filters = chunk.Select(i => Filter(requests[i], options, allowed, denied)).ToList();
            var matches = _index.SearchBatch(users, Math.Min(k, ItemCount), filters);
            for (int j = 0; j < chunk.Length; j++)
            {
                var request = requests[chunk[j]];
                var items = matches[j].Select(m => new RecommendedItem(_itemIds[m.Item], m.Score)).ToList();
                results[chunk[j]] = new Recommendations(items, request.Ids.Length, request.Unknown, unknownFilterItems);
            }
        }
        for (int i = 0; i < results.Length; i++)
        {
            results[i] ??= new Recommendations([], 0, requests[i].Unknown, unknownFilterItems);
        }
        return results;
    }

    /// <inheritdoc />
    public Task<Recommendations> RecommendAsync(IReadOnlyList<string> history, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default)
        => Task.Run(() => Recommend(history, k, options), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Recommendations>> RecommendBatchAsync(
        IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default)
        => Task.Run(() => RecommendBatch(histories, k, options), cancellationToken);

    /// <summary>Releases the index.</summary>
    public void Dispose() => _index.Dispose();

    private Request Map(IReadOnlyList<string> history)
    {
        var ids = new List<long>(history.Count);
        List<string>? unknown = null;
        foreach (var item in history)
        {
            if (item is not null && _rows.TryGetValue(item, out int row))
            {
                ids.Add(row + 1);
            }
            else
            {
                (unknown ??= []).Add(item ?? "(null)");
            }
        }
        return new Request([.. ids], unknown ?? None);
    }

    private (HashSet<int>? Allowed, HashSet<int> Denied, IReadOnlyList<string> Unknown) FilterRows(RecommendationOptions options)
    {
        List<string>? unknown = null;
        HashSet<int>? Rows(IReadOnlyCollection<string>? ids)
        {
            if (ids is null)
            {
                return null;
            }
            var rows = new HashSet<int>(ids.Count);
            foreach (var id in ids)
            {
                if (id is not null && _rows.TryGetValue(id, out int row))
                {
                    rows.Add(row);
                }
                else
                {
                    (unknown ??= []).Add(id ?? "(null)");
                }
            }
            return rows;
        }
        var allowed = Rows(options.AllowedItems);
        var denied = Rows(options.ExcludedItems) ?? [];
        return (allowed, denied, unknown ?? None);
    }

    private static ItemFilter Filter(Request request, RecommendationOptions options, HashSet<int>? allowed, HashSet<int> denied)
    {
        if (!options.ExcludeSeen)
        {
            return new ItemFilter(allowed, denied);
        }
        var excluded = new HashSet<int>(denied);
        foreach (long id in request.Ids)
        {
            excluded.Add((int)id - 1);
        }
        return new ItemFilter(allowed, excluded);
    }

    /// <summary>One history in model ids (known items, in order) and the source ids that were not known.</summary>
    private sealed record Request(long[] Ids, IReadOnlyList<string> Unknown);
}
