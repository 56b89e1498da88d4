using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Losses;
using LlmCfsr.Models;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// The trainer's own step (<see cref="RecommenderTrainer.Step"/>: loss, backward, clipping, Adam) on a freshly
/// seeded model, with the trainer's epoch batching, for the suites that time training. Dispose after use.
/// </summary>
internal sealed class TrainingStepLoop : IDisposable
{
    private readonly SequentialRecommender _model;
    private readonly OptimizerHelper _optimizer;
    private readonly TrainingWindows _windows;
    private readonly NegativeSampler _negatives;
    private readonly TrainingOptions _options;
    private readonly IReadOnlyList<Tensor> _batches;
    private readonly int _itemCount;

    /// <summary>The backbone sizes of the model: the options' where set, else the model's own.</summary>
    public SequenceEncoderSettings Backbone { get; }

    public TrainingStepLoop(PreparedDataset dataset, ItemEmbeddingCache? embeddings, IServiceProvider services, ComponentCatalog catalog, TrainingOptions options,
        UserEmbeddingCache? users = null)
    {
        _options = options;
        _itemCount = dataset.ItemCount;
        manual_seed(options.Seed);
        // The stand-in vectors serve both kinds: labelled as CFT for the models that read fine-tuned ones (llm-cfsr),
        // as they are (raw) for those that read raw ones (llm-esr); only their shapes matter to the timings.
        Backbone = options.BackboneFor(catalog.RecommenderModel(options.Model).Options);
        using var inputs = RecommenderModelInputs.From(dataset, Backbone, embeddings is null ? null : LabelledAsCft(embeddings), raw: embeddings, users: users);
        _model = RecommenderModels.Create(catalog, options.Model, inputs);
        Loss = catalog.RankingLoss(_model.DefaultLoss ?? (_model.Direction == SequenceDirection.Causal ? "bce" : "ce"));
        Objective = _model.Direction == SequenceDirection.Causal ? TrainingObjective.AllPositions : TrainingObjective.Masked;
        _optimizer = RecommenderTrainer.CreateOptimizer(_model, options);
        _windows = new TrainingWindows(dataset, options.MaxLength);
        _negatives = new NegativeSampler(dataset);
        _model.train();
        _batches = _windows.EpochBatches(options.BatchSize, options.BucketByLength);
    }

    private static ItemEmbeddingCache LabelledAsCft(ItemEmbeddingCache cache) => new(cache.DatasetName, cache.ItemOrder, cache.Dimension, cache.Values.ToArray(),
        cache.Fingerprint with { FineTuned = true, Objective = ItemEmbeddingFingerprint.CftObjective }, cache.DatasetFingerprint);

    public IRankingLoss Loss { get; }

    public SequentialRecommender Model => _model;

    public OptimizerHelper Optimizer => _optimizer;

    public NegativeSampler Negatives => _negatives;

    public TrainingOptions Options => _options;

    public TrainingObjective Objective { get; }

    /// <summary>The epoch's batch number <paramref name="index"/> (wrapping around), built as the trainer builds it.</summary>
    public TrainingBatch Batch(int index) => _windows.Batch(_batches[index % _batches.Count], Objective, _options.MaskProbability, CPU);

    /// <summary>
    /// Batch number <paramref name="index"/> of full windows: the first BatchSize users, each with MaxLength random items
    /// and targets (seeded by the index), no padding: issue 17's point 5 at its literal shapes, which the workload's
    /// short histories never form.
    /// </summary>
    public TrainingBatch FullWidthBatch(int index)
    {
        using var generator = new Generator((ulong)(7 + index));
        using var firstUser = 1.ToScalar();
        using var endUser = (_options.BatchSize + 1).ToScalar();
        return new TrainingBatch
        {
            Users = TensorArithmetic.Arange(firstUser, endUser, ScalarType.Int64, device: null),
            Items = randint(1, _itemCount + 1, [_options.BatchSize, _options.MaxLength], generator: generator),
            Targets = randint(1, _itemCount + 1, [_options.BatchSize, _options.MaxLength], generator: generator),
        };
    }

    /// <summary>One trainer step on <paramref name="batch"/>; the caller owns the dispose scope.</summary>
    public void Step(TrainingBatch batch) => RecommenderTrainer.Step(_model, _optimizer, Loss, _negatives, batch, _options.GradientClipNorm);

    public void Dispose()
    {
        _negatives.Dispose();
        _windows.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
    }
}
