using LlmCfsr.Models;

namespace LlmCfsr.Recommendation;

/// <summary>
/// The <see cref="IRecommender"/> of models that score by inner product (every id-only, single-view and dual-view
/// model of the SDK): item vectors are computed once into an <see cref="IItemIndex"/> (exact unless another factory
/// is given), each request maps source ids to model ids, encodes the known history into a user vector and searches
/// the index under the request's filters. Concurrent calls need no lock held by the caller; items added later
/// (<see cref="RecommenderBundle.AddItems(IReadOnlyList{NewItem}, float[])"/>) swap in a new index atomically. The model
/// stays its owner's (not disposed here) and must not be trained while in use; dispose the recommender to release the index.
/// </summary>
public sealed class Recommender : IRecommender, IDisposable
{
    /// <summary>Histories encoded per model pass in <see cref="RecommendBatch"/>.</summary>
    private const int BatchSize = 256;

    private static readonly IReadOnlyList<string> None = [];

    private readonly IVectorScoringModel _model;
    private readonly IItemIndexFactory _indexFactory;

    // Readers take the catalogue under a read lock for the whole request; AddItems swaps in a new one under the
    // write lock and only then disposes the old index, so no request ever searches a disposed index.
    private readonly ReaderWriterLockSlim _catalogueLock = new();
    private Catalogue _catalogue;

    internal Recommender(IVectorScoringModel model, IReadOnlyList<string> itemSourceIds, IItemIndexFactory? indexFactory)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(itemSourceIds);
        if (itemSourceIds.Count != model.ItemCount)
        {
            throw new ArgumentException($"The model has {model.ItemCount} items but {itemSourceIds.Count} source ids were given.", nameof(itemSourceIds));
        }
        var rows = new Dictionary<string, int>(itemSourceIds.Count, StringComparer.Ordinal);
        AddRows(rows, itemSourceIds, 0, nameof(itemSourceIds));
        _model = model;
        _indexFactory = indexFactory ?? new ExactItemIndexFactory();
        var vectors = model.ItemVectors();
        _catalogue = new Catalogue([.. itemSourceIds], rows, vectors, _indexFactory.Build(vectors));
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
    public int ItemCount => Volatile.Read(ref _catalogue).ItemIds.Count;

    /// <summary>The index the recommender searches now (replaced when items are added).</summary>
    public IItemIndex Index => Volatile.Read(ref _catalogue).Index;

    /// <summary>Number of items the model itself knows (ids 1..ModelItemCount); items added later follow them.</summary>
    internal int ModelItemCount => _model.ItemCount;

    /// <summary>Dimensions of the item vectors.</summary>
    internal int Dimensions => Volatile.Read(ref _catalogue).Vectors.Dimensions;

    /// <summary>
    /// Adds items the model was not trained on, with their vectors (row-major [ids.Count × Dimensions], in the
    /// space of the model's item representations): they become recommendable at once. They cannot be encoded in a
    /// history (the model has no id for them): in a history they are only excluded from the results. Safe while
    /// other threads recommend; concurrent additions are serialised.
    /// </summary>
    internal void AddItems(IReadOnlyList<string> ids, float[] vectors)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(vectors);
        _catalogueLock.EnterWriteLock();
        Catalogue previous;
        try
        {
            previous = _catalogue;
            int dimensions = previous.Vectors.Dimensions;
            if (vectors.Length != ids.Count * dimensions)
            {
                throw new ArgumentException($"{ids.Count} new items need {ids.Count * dimensions} vector values ({dimensions} each); got {vectors.Length}.", nameof(vectors));
            }
            if (!Array.TrueForAll(vectors, float.IsFinite))
            {
                throw new ArgumentException("A new item's vector is not finite.", nameof(vectors));
            }
            var rows = new Dictionary<string, int>(previous.Rows, StringComparer.Ordinal);
            AddRows(rows, ids, previous.ItemIds.Count, nameof(ids));
            var values = new float[previous.Vectors.Values.Length + vectors.Length];
            previous.Vectors.Values.CopyTo(values);
            vectors.CopyTo(values, previous.Vectors.Values.Length);
            var table = new ItemVectors(values, dimensions);
            Volatile.Write(ref _catalogue, new Catalogue([.. previous.ItemIds, .. ids], rows, table, _indexFactory.Build(table)));
        }
        finally
        {
            _catalogueLock.ExitWriteLock();
        }
        previous.Index.Dispose();
    }

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
        _catalogueLock.EnterReadLock();
        try
        {
            return RecommendIn(_catalogue, histories, k, options);
        }
        finally
        {
            _catalogueLock.ExitReadLock();
        }
    }

    private Recommendations[] RecommendIn(Catalogue catalogue, IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions options)
    {
        var (allowed, denied, unknownFilterItems) = FilterRows(catalogue, options);
        var requests = new Request[histories.Count];
        for (int i = 0; i < requests.Length; i++)
        {
            requests[i] = Map(catalogue, histories[i] ?? throw new ArgumentException($"History {i} is null.", nameof(histories)));
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
            var matches = catalogue.Index.SearchBatch(users, Math.Min(k, catalogue.ItemIds.Count), filters);
            for (int j = 0; j < chunk.Length; j++)
            {
                var request = requests[chunk[j]];
                var items = matches[j].Select(m => new RecommendedItem(catalogue.ItemIds[m.Item], m.Score)).ToList();
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
    public void Dispose()
    {
        _catalogue.Index.Dispose();
        _catalogueLock.Dispose();
    }

    private static void AddRows(Dictionary<string, int> rows, IReadOnlyList<string> ids, int firstRow, string parameter)
    {
        for (int i = 0; i < ids.Count; i++)
        {
            int row = firstRow + i;
            var id = ids[i] ?? throw new ArgumentException($"Source id of item {row + 1} is null.", parameter);
            if (!rows.TryAdd(id, row))
            {
                throw new ArgumentException($"Source id '{id}' is given for items {rows[id] + 1} and {row + 1}.", parameter);
            }
        }
    }

    private Request Map(Catalogue catalogue, IReadOnlyList<string> history)
    {
        var ids = new List<long>(history.Count);
        List<int>? addedRows = null;
        List<string>? unknown = null;
        foreach (var item in history)
        {
            if (item is not null && catalogue.Rows.TryGetValue(item, out int row))
            {
                if (row < _model.ItemCount)
                {
                    ids.Add(row + 1);
                }
                else
                {
                    (addedRows ??= []).Add(row);
                }
            }
            else
            {
                (unknown ??= []).Add(item ?? "(null)");
            }
        }
        return new Request([.. ids], addedRows ?? [], unknown ?? None);
    }

    private static (HashSet<int>? Allowed, HashSet<int> Denied, IReadOnlyList<string> Unknown) FilterRows(Catalogue catalogue, RecommendationOptions options)
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
                if (id is not null && catalogue.Rows.TryGetValue(id, out int row))
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
        excluded.UnionWith(request.AddedRows);
        return new ItemFilter(allowed, excluded);
    }

    /// <summary>
    /// One history in model ids (known items, in order), the rows of added items it holds (seen, but not encodable)
    /// and the source ids that were not known.
    /// </summary>
    private sealed record Request(long[] Ids, IReadOnlyList<int> AddedRows, IReadOnlyList<string> Unknown);

    /// <summary>The items a recommender serves: source ids by row, rows by source id, their vectors and the index over them.</summary>
    private sealed record Catalogue(IReadOnlyList<string> ItemIds, Dictionary<string, int> Rows, ItemVectors Vectors, IItemIndex Index);
}
