using System.Collections.Concurrent;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Models;
using LlmCfsr.Prompts;
using LlmCfsr.Representations;
using LlmCfsr.Storage;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace LlmCfsr.Recommendation;

/// <summary>
/// A model bundle: one self-contained folder with everything needed to recommend from a trained model (weights,
/// the model's options, the item vocabulary with attributes, the LLM item embeddings and PCA basis of
/// LLM-enhanced models, a manifest and SHA-256 checksums written last), and, once loaded, an
/// <see cref="IRecommender"/> over it. <see cref="Export"/> writes one from a finished run;
/// <see cref="Load"/> rebuilds the model from the bundle alone (no training dataset, no trainer) and accepts
/// new items from their text (<see cref="AddItems(IReadOnlyList{NewItem}, ISemanticEncoder, ItemPromptTemplate, CancellationToken)"/>)
/// when the model has a semantic view. Thread-safe: recommendations and additions may run concurrently.
/// </summary>
public sealed class RecommenderBundle : IRecommender, IDisposable
{
    private readonly SequentialRecommender _model;
    private readonly Recommender _recommender;
    private readonly PcaBasis? _pcaBasis;
    private readonly NewItemOptions _newItems;
    private readonly ConcurrentDictionary<string, ItemAttributes> _attributes;
    private readonly Lock _addLock = new();

    private RecommenderBundle(
        string path, BundleManifest manifest, SequentialRecommender model, Recommender recommender, PcaBasis? pcaBasis,
        ConcurrentDictionary<string, ItemAttributes> attributes, NewItemOptions newItems)
    {
        Path = path;
        Manifest = manifest;
        _model = model;
        _recommender = recommender;
        _pcaBasis = pcaBasis;
        _attributes = attributes;
        _newItems = newItems;
    }

    /// <summary>The bundle folder.</summary>
    public string Path { get; }

    /// <summary>The bundle's manifest.</summary>
    public BundleManifest Manifest { get; }

    /// <inheritdoc />
    public int ItemCount => _recommender.ItemCount;

    /// <summary>
    /// Whether <see cref="AddItems(IReadOnlyList{NewItem}, float[])"/> can add items: the model represents items from their LLM
    /// embeddings (a dual-view model: LLM-CFSR and its variants without self-distillation, LLM-ESR's architecture).
    /// </summary>
    public bool AcceptsNewItems => NewItemsRefusal() is null;

    /// <summary>The attributes of <paramref name="itemId"/> (trained or added), or null when the bundle does not know it.</summary>
    public ItemAttributes? Attributes(string itemId) => _attributes.GetValueOrDefault(itemId);

    /// <summary>The display name of <paramref name="itemId"/> (its title or name attribute), or null.</summary>
    public string? DisplayName(string itemId) => Attributes(itemId)?.DisplayName;

    /// <summary>
    /// Writes the bundle of a finished <paramref name="run"/> trained on <paramref name="dataset"/> into
    /// <paramref name="outputFolder"/> (created; an earlier bundle there is replaced), every file atomically and
    /// <c>SHA256SUMS</c> last; the folder is locked while written. The item table copied is the one the model's
    /// recorded options declare as an input (the parts registered in <paramref name="services"/> read them), whatever
    /// other paths the run's training options hold; inputs only training reads (user embeddings, a teacher run) are
    /// not carried. Refuses a run whose files fail their checksums and a different dataset.
    /// </summary>
    public static BundleManifest Export(RunDirectory run, PreparedDataset dataset, string outputFolder, IServiceProvider services, AtomicFileWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        writer ??= AtomicFileWriter.Default;
        if (!run.HoldsRun)
        {
            throw new ArgumentException($"{run.Path} holds no run ({System.IO.Path.GetFileName(run.Manifest)} is missing).");
        }
        var output = System.IO.Path.GetFullPath(outputFolder);
        if (string.Equals(output, run.Path, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The bundle folder {output} is the run folder; choose another.");
        }
        using var runLock = FolderLock.Acquire(run.Path);
        run.Verify();
        var recorded = RunManifest.Read(run.Manifest);
        var runManifest = recorded.WithCurrentInputOptions(TrainedRun.ModelOptions(services.GetRequiredService<ComponentCatalog>(), recorded));
        if (!File.Exists(run.BestWeights))
        {
            throw new ArgumentException($"{run.BestWeights} is missing: the run never finished an epoch.");
        }
        if (runManifest.Dataset.Fingerprint != dataset.Fingerprint)
        {
            throw new ArgumentException($"{run.Manifest}: the run was trained on dataset {runManifest.Dataset.Fingerprint}, not on {dataset.Fingerprint}.");
        }
        var options = runManifest.Options;
        var modelOptions = TrainedRun.ModelOptions(services.GetRequiredService<ComponentCatalog>(), runManifest);
        var declared = modelOptions.Inputs;
        var tables = ModelInputDescriptions.ItemEmbeddings.Where(input => declared.HasFlag(input)).ToList();
        if (tables.Count > 1)
        {
            throw new NotSupportedException($"Model '{options.Model}' reads {tables.Count} kinds of item embeddings; a bundle carries one table.");
        }
        var (embeddingsPath, embeddingsOption) = tables.Count == 1 ? (options.PathOf(tables[0]), ModelInputDescriptions.TrainingOptions[tables[0]]) : (null, null);

        using var outputLock = FolderLock.Acquire(output);
        // A bundle is complete only with its checksums: remove them first, so an interrupted export is refused on load.
        File.Delete(ChecksumManifest.PathIn(output));
        foreach (var name in BundleFiles.All)
        {
            File.Delete(System.IO.Path.Combine(output, name));
        }
        writer.Copy(run.BestWeights, System.IO.Path.Combine(output, BundleFiles.Weights));
        BundleItems.Write(System.IO.Path.Combine(output, BundleFiles.Items), dataset.ItemSourceIds, dataset.ItemAttributes, writer);
        ItemEmbeddingFingerprint? encoder = null;
        string? pcaFile = null;
        if (embeddingsPath is not null)
        {
            EnsureUnchangedSinceTraining(runManifest, embeddingsOption!, embeddingsPath);
            var embeddings = ItemEmbeddingCache.Load(embeddingsPath);
            writer.Copy(embeddingsPath, System.IO.Path.Combine(output, BundleFiles.ItemEmbeddings));
            encoder = embeddings.Fingerprint;
            int dimensions = options.BackboneFor(modelOptions).HiddenSize;
            if (dimensions <= Math.Min(embeddings.ItemCount, embeddings.Dimension))
            {
                var scaling = RecordedPcaScaling(runManifest);
                using var table = embeddings.ToTensor();
                PcaBasis.Fit(table, dimensions, scaling).Save(System.IO.Path.Combine(output, BundleFiles.PcaBasis), writer);
                pcaFile = BundleFiles.PcaBasis;
            }
        }
        var manifest = new BundleManifest
        {
            SdkVersion = BundleManifest.CurrentSdkVersion,
            TorchSharpVersion = BundleManifest.CurrentTorchSharpVersion,
            CreatedUtc = DateTimeOffset.UtcNow,
            Run = runManifest,
            ItemCount = dataset.ItemCount,
            ItemEmbeddingsFile = embeddingsPath is null ? null : BundleFiles.ItemEmbeddings,
            ItemEmbeddingsOption = embeddingsPath is null ? null : embeddingsOption,
            Encoder = encoder,
            PcaBasisFile = pcaFile,
        };
        manifest.Write(System.IO.Path.Combine(output, BundleFiles.Manifest), writer);
        ChecksumManifest.Write(writer, output, [BundleFiles.Manifest, .. manifest.DataFiles()]);
        return manifest;
    }

    /// <summary>
    /// Loads the bundle in <paramref name="path"/>: checks every file against <c>SHA256SUMS</c> (a damaged,
    /// truncated, missing or unlisted file is refused with its name), rebuilds the model with the parts registered
    /// in <paramref name="services"/> (its backbone and fusion: e.g. <c>AddSasRec().AddCrossAttentionFusion().AddLlmEnhancedRecommenders()</c>),
    /// whose bound options must equal the ones recorded in the bundle, loads the weights on the CPU and indexes the
    /// items with <paramref name="indexFactory"/> (exact when null).
    /// </summary>
    /// <exception cref="InvalidDataException">A file of the bundle is damaged, missing or malformed; the message names it.</exception>
    public static RecommenderBundle Load(string path, IServiceProvider services, IItemIndexFactory? indexFactory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(services);
        var folder = System.IO.Path.GetFullPath(path);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: no such bundle folder.");
        }
        ChecksumManifest.Verify(folder, BundleFiles.All);
        var manifestPath = System.IO.Path.Combine(folder, BundleFiles.Manifest);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidDataException($"{manifestPath} is missing: {folder} is not a model bundle.");
        }
        var manifest = BundleManifest.Read(manifestPath);
        var differences = manifest.Run.PartOptionDifferences(services.GetRequiredService<ComponentCatalog>());
        if (differences.Count > 0)
        {
            throw new ArgumentException($"{manifestPath}: the registered parts are configured differently from the bundle's model ({string.Join("; ", differences)}); configure them as recorded.");
        }
        var (ids, attributes) = BundleItems.Read(System.IO.Path.Combine(folder, BundleFiles.Items), manifest.ItemCount);
        var embeddings = manifest.ItemEmbeddingsFile is { } embeddingsFile ? ItemEmbeddingCache.Load(System.IO.Path.Combine(folder, embeddingsFile)) : null;
        if (embeddings is not null && !embeddings.ItemOrder.SequenceEqual(ids, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"{System.IO.Path.Combine(folder, manifest.ItemEmbeddingsFile!)}: its item order differs from {BundleFiles.Items}.");
        }
        var pcaBasis = manifest.PcaBasisFile is { } pcaFile ? PcaBasis.Load(System.IO.Path.Combine(folder, pcaFile)) : null;
        var model = BundleModel.Create(manifest, embeddings, services.GetRequiredService<ComponentCatalog>());
        try
        {
            WeightFiles.Load(model, System.IO.Path.Combine(folder, BundleFiles.Weights));
            model.eval();
            var recommender = Recommender.Create(model, ids, indexFactory);
            var byId = new ConcurrentDictionary<string, ItemAttributes>(StringComparer.Ordinal);
            for (int i = 0; i < ids.Count; i++)
            {
                byId[ids[i]] = attributes[i];
            }
            return new RecommenderBundle(folder, manifest, model, recommender, pcaBasis, byId, NewItemSettings(services));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Adds <paramref name="items"/> from their text: each item's attributes are rendered with
    /// <paramref name="template"/> and embedded by <paramref name="encoder"/>, which must be the encoder, prompt
    /// template and pooling the bundle's item embeddings were made with (<see cref="BundleManifest.Encoder"/>;
    /// otherwise refused, naming the differences). See <see cref="AddItems(IReadOnlyList{NewItem}, float[])"/>.
    /// </summary>
    public void AddItems(IReadOnlyList<NewItem> items, ISemanticEncoder encoder, ItemPromptTemplate template, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(template);
        ThrowIfNewItemsRefused();
        var expected = Manifest.Encoder!;
        var differences = expected.Differences(ItemEmbeddingFingerprint.Of(encoder, template, expected.Normalized));
        if (differences.Count > 0)
        {
            throw new ArgumentException($"The bundle's items were embedded differently from this encoder and template: {string.Join("; ", differences)}.", nameof(encoder));
        }
        ValidateNew(items);
        float[] embeddings;
        lock (_addLock)
        {
            // Encoders need not be thread-safe: one addition at a time.
            using var scope = NewDisposeScope();
            var texts = items.Select(item => template.Render(item.Attributes)).ToList();
            embeddings = encoder.Encode(texts, new SemanticEncodingOptions { Normalize = expected.Normalized }, cancellationToken)
                .to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
        }
        AddItems(items, embeddings);
    }

    /// <summary>
    /// Adds <paramref name="items"/> with their LLM embeddings already computed (row-major [items × D], made as
    /// <see cref="BundleManifest.Encoder"/> says): the semantic view goes through the trained adapter, the
    /// collaborative view is the items' PCA coordinates in the saved basis (what trained items started from; or, with
    /// <see cref="NewItemCollaborativeView.NearestTrainedItems"/> in <see cref="LlmCfsrOptions.NewItems"/>, the mean trained
    /// id vector of the trained items nearest in LLM embedding), and
    /// the items are recommendable at once, without retraining. They cannot be encoded in a user's history (the
    /// model has no trained id for them): there they only count as seen. Not persisted in the bundle.
    /// </summary>
    /// <exception cref="NotSupportedException">The model has no semantic item view (an id-only model).</exception>
    public void AddItems(IReadOnlyList<NewItem> items, float[] embeddings)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(embeddings);
        ThrowIfNewItemsRefused();
        var model = (DualViewRecommender)_model;
        int columns = (int)model.SemanticTableOn(model.Device)!.shape[1];
        if (embeddings.Length != items.Count * columns)
        {
            throw new ArgumentException($"{items.Count} new items need {items.Count * columns} embedding values ({columns} each); got {embeddings.Length}.", nameof(embeddings));
        }
        if (!Array.TrueForAll(embeddings, float.IsFinite))
        {
            throw new ArgumentException("A new item's embedding is not finite.", nameof(embeddings));
        }
        lock (_addLock)
        {
            ValidateNew(items);
            float[] vectors;
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                var rows = tensor(embeddings, [items.Count, columns]);
                var collaborative = !model.HasCollaborativeView ? null
                    : _newItems.CollaborativeView == NewItemCollaborativeView.NearestTrainedItems ? model.NearestTrainedCollaborative(rows, _newItems.Neighbours)
                    : _pcaBasis!.Project(rows);
                vectors = model.NewItemRepresentations(rows, collaborative).to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray();
            }
            foreach (var item in items)
            {
                _attributes[item.Id] = item.Attributes;
            }
            _recommender.AddItems([.. items.Select(item => item.Id)], vectors);
        }
    }

    /// <inheritdoc />
    public Recommendations Recommend(IReadOnlyList<string> history, int k, RecommendationOptions? options = null)
        => _recommender.Recommend(history, k, options);

    /// <inheritdoc />
    public IReadOnlyList<Recommendations> RecommendBatch(IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null)
        => _recommender.RecommendBatch(histories, k, options);

    /// <inheritdoc />
    public Task<Recommendations> RecommendAsync(IReadOnlyList<string> history, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default)
        => _recommender.RecommendAsync(history, k, options, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Recommendations>> RecommendBatchAsync(
        IReadOnlyList<IReadOnlyList<string>> histories, int k, RecommendationOptions? options = null, CancellationToken cancellationToken = default)
        => _recommender.RecommendBatchAsync(histories, k, options, cancellationToken);

    /// <summary>Releases the index and the model.</summary>
    public void Dispose()
    {
        _recommender.Dispose();
        _model.Dispose();
    }

    /// <summary>The validated new-item settings registered in <paramref name="services"/> ("LlmCfsr:NewItems"), else the defaults.</summary>
    private static NewItemOptions NewItemSettings(IServiceProvider services)
        => services.GetService<IOptions<LlmCfsrOptions>>()?.Value.NewItems ?? new NewItemOptions();

    private string? NewItemsRefusal()
        => _model is not DualViewRecommender dual || !dual.HasSemanticView
            ? $"Model '{Manifest.Model}' has no semantic item view: it knows items only by their trained ids, so new items need retraining. Models with one (llm-cfsr and its variants) accept new items from their text."
            : dual.HasCollaborativeView && _pcaBasis is null && _newItems.CollaborativeView == NewItemCollaborativeView.PcaCoordinates
                ? $"The bundle of model '{Manifest.Model}' has no PCA basis for the collaborative view of new items; export it again."
                : null;

    private void ThrowIfNewItemsRefused()
    {
        if (NewItemsRefusal() is { } reason)
        {
            throw new NotSupportedException(reason);
        }
    }

    private void ValidateNew(IReadOnlyList<NewItem> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            if (string.IsNullOrWhiteSpace(item.Id))
            {
                throw new ArgumentException("A new item has an empty id.", nameof(items));
            }
            if (_attributes.ContainsKey(item.Id) || !seen.Add(item.Id))
            {
                throw new ArgumentException($"Item '{item.Id}' is already in the catalogue (or given twice).", nameof(items));
            }
        }
    }

    /// <summary>
    /// The PCA scaling the run's model options record (run.json format 2: "pcaScaling"; format 1: the
    /// "LlmCfsr:Models:PcaScaling" setting), <see cref="PcaScaling.None"/> when the model has none.
    /// </summary>
    private static PcaScaling RecordedPcaScaling(RunManifest run)
    {
        string? text = run.ModelOptions is { ValueKind: System.Text.Json.JsonValueKind.Object } options
            && options.TryGetProperty("pcaScaling", out var value) && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : run.Configuration?.GetValueOrDefault($"{RecommenderModelOptions.Section}:{nameof(LlmCfsrModelOptions.PcaScaling)}");
        return Enum.TryParse<PcaScaling>(text, out var scaling) ? scaling : PcaScaling.None;
    }

    private static void EnsureUnchangedSinceTraining(RunManifest run, string option, string path)
    {
        var record = run.Inputs.FirstOrDefault(input => input.Option == option);
        if (record is not null && ChecksumManifest.HashFile(path) != record.Sha256)
        {
            throw new InvalidDataException($"{path}: the item embeddings changed since the run was trained (SHA-256 differs from {option} in run.json); export needs the file the model was trained with.");
        }
    }
}
