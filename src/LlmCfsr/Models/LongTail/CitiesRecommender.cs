using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// CITIES (Jang, Lee, Cho and Chung, "CITIES: Contextual Inference of Tail-item Embeddings for Sequential Recommendation",
/// ICDM 2020; official code github.com/swonj90/CITIES): a trained id-only model (the teacher run: its item table and backbone,
/// both frozen) whose tail items' embeddings are replaced by an embedding-inference function trained on head items.
/// <list type="number">
/// <item>The teacher is the pretrained sequence model (stage 1).</item>
/// <item>Training (stage 2) fits only <see cref="ContextualEmbeddingInference"/>: each step draws <see cref="CitiesOptions.ItemsPerStep"/>
/// head items and a shot count K in 1..<see cref="CitiesOptions.MaxShots"/>, shows each item K of its contexts (with replacement)
/// and minimises the MSE between the inferred embedding and the item's pretrained one. By default it runs as the official code
/// does (<see cref="CitiesOptions.ConvergeBeforeReplacing"/>, <see cref="CitiesInferenceFit"/>): on its own schedule, until the
/// MSE on held-out head items stops falling. Otherwise the trainer paces it, one step per ranking batch (which is not used).</item>
/// <item>Every tail item with contexts then gets the embedding inferred from all its contexts, in the table the backbone reads and
/// scores with (stage 3): once after convergence, or after every epoch of the trainer, so that validation (early stopping) and the
/// saved weights see the replaced table.</item>
/// </list>
/// Head and tail are split by training occurrences (<see cref="CitiesOptions.HeadItemShare"/>); the contexts come from the training
/// sequences only; the inference network always reads the pretrained table, never the replaced rows.
/// </summary>
public sealed class CitiesRecommender : SingleViewRecommender
{
    private readonly Embedding item_embeddings;
    private readonly ContextualEmbeddingInference inference;
    private readonly CitiesOptions _options;
    private readonly CitiesContexts? _contexts;

    /// <summary>Most contexts per no-gradient inference pass.</summary>
    internal const int InferenceChunk = 2048;

    private CitiesRecommender(string name, int itemCount, int maxLength, ISequenceEncoder encoder, CitiesOptions options, CitiesContexts? contexts)
        : base(name, itemCount, maxLength, encoder)
    {
        _options = options;
        _contexts = contexts;
        item_embeddings = nn.Embedding(itemCount + 1, encoder.HiddenSize, padding_idx: 0);
        inference = new ContextualEmbeddingInference(encoder.HiddenSize, options.ContextWindow, options);
        RegisterComponents();
        // The pretrained model stays as it is; only the inference network learns.
        foreach (var parameter in item_embeddings.parameters().Concat(backbone.parameters()))
        {
            parameter.requires_grad = false;
        }
    }

    /// <summary>
    /// CITIES registered as <paramref name="name"/>: the teacher run's item table and backbone (<see cref="RecommenderModelInputs.TeacherWeights"/>)
    /// and the contexts of <see cref="RecommenderModelInputs.TrainingData"/>. Without them (a trained model rebuilt for scoring, whose
    /// weights hold the replaced table) it scores but cannot train.
    /// </summary>
    internal static CitiesRecommender Create(string name, CitiesOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        int hidden = inputs.Backbone.HiddenSize;
        if (hidden % options.InferenceHeads != 0)
        {
            throw new ArgumentException($"{RecommenderModelOptions.SectionOf(name)}:{nameof(CitiesOptions.InferenceHeads)} ({options.InferenceHeads}) must divide the hidden size ({hidden}).");
        }
        var encoder = components.SequenceEncoder(options.Backbone).Create(inputs.Backbone);
        bool trains = inputs.TeacherWeights is not null && inputs.TrainingData is not null;
        var contexts = trains ? new CitiesContexts(inputs.TrainingData!, options) : null;
        var model = new CitiesRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength, encoder, options, contexts);
        if (!trains)
        {
            model.MarkScoringOnly(ModelInput.TeacherRun);
            return model;
        }
        TeacherStart.Copy(model, inputs.TeacherWeights!);
        contexts!.KeepPretrainedTable(model.item_embeddings.weight!);
        return model;
    }

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items) => item_embeddings.call(items);

    /// <inheritdoc />
    public override Tensor ScoreAllItems(Tensor states) => states.matmul(item_embeddings.weight!.t());

    /// <inheritdoc />
    public override bool TrainsOnOwnSchedule => _options.ConvergeBeforeReplacing;

    /// <inheritdoc />
    /// <remarks>Fits the inference network until the held-out head items' MSE converges, then replaces every tail row once.</remarks>
    public override OwnScheduleResult TrainOnOwnSchedule(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (!TrainsOnOwnSchedule)
        {
            return base.TrainOnOwnSchedule(progress, cancellationToken);
        }
        if (MissingTrainingInput is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
        var result = CitiesInferenceFit.Run(this, _options, progress, cancellationToken);
        ReplaceTailRows();
        return result;
    }

    /// <inheritdoc />
    /// <remarks>The MSE of the inference network on a few-shot batch of head items; the ranking batch only paces the steps.</remarks>
    public override Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (MissingTrainingInput is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
        return InferenceLoss(_contexts!.HeadItems, batch.Items.device);
    }

    /// <summary>What the inference network trains on and is fitted to (training only).</summary>
    internal CitiesContexts Contexts => _contexts ?? throw new InvalidOperationException(MissingTrainingInput);

    /// <summary>The embedding-inference network.</summary>
    internal ContextualEmbeddingInference Inference => inference;

    /// <summary>
    /// The MSE between inferred and pretrained embeddings of <see cref="CitiesOptions.ItemsPerStep"/> items drawn from
    /// <paramref name="headItems"/> (int64 [n], CPU), shown 1..MaxShots contexts each.
    /// </summary>
    internal Tensor InferenceLoss(Tensor headItems, Device device)
    {
        using var scope = NewDisposeScope();
        long shots = randint(1, _options.MaxShots + 1, [1], dtype: ScalarType.Int64).item<long>();
        var picks = randint(0, headItems.shape[0], [_options.ItemsPerStep], dtype: ScalarType.Int64);
        var items = headItems.index_select(0, picks);
        return ShotLoss(items, Contexts.DrawContexts(items, shots), device).MoveToOuterDisposeScope();
    }

    /// <summary>The MSE between the embeddings inferred from <paramref name="contextRows"/> (rows of <see cref="CitiesContexts.Contexts"/>, [n, K]) and <paramref name="items"/>' pretrained ones.</summary>
    internal Tensor ShotLoss(Tensor items, Tensor contextRows, Device device)
    {
        using var scope = NewDisposeScope();
        var table = Contexts.PretrainedTable.On(device, inference.parameters().First().dtype);
        var inferred = inference.call(Contexts.Contexts.Select(contextRows, device), table);
        return nn.functional.mse_loss(inferred, table.index_select(0, items.to(device))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>Paced by the trainer: replaces every tail item's embedding after each epoch.</remarks>
    public override void OnEpochTrained(TrainingEpoch epoch)
    {
        if (_contexts is not null && !TrainsOnOwnSchedule)
        {
            ReplaceTailRows();
        }
    }

    /// <summary>Replaces every tail item's embedding by the one inferred from all its contexts (evaluation mode, no gradients).</summary>
    private void ReplaceTailRows()
    {
        eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Device;
        var table = _contexts!.PretrainedTable.On(device, item_embeddings.weight!.dtype);
        // Items with the same number of contexts form one batch [items, K, width], as the official code's buckets.
        foreach (var bucket in _contexts.TailItems.GroupBy(_contexts.ContextsOf))
        {
            int perPass = Math.Max(1, InferenceChunk / bucket.Key);
            foreach (var chunk in bucket.Chunk(perPass))
            {
                using var chunkScope = NewDisposeScope();
                var rows = chunk.SelectMany(item => Enumerable.Range(_contexts.FirstContext(item), bucket.Key).Select(row => (long)row)).ToArray();
                var contexts = _contexts.Contexts.Select(tensor(rows).reshape(chunk.Length, bucket.Key), device);
                var ids = tensor(chunk.Select(item => (long)item).ToArray(), device: device);
                item_embeddings.weight!.index_copy_(0, ids, inference.call(contexts, table));
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _contexts?.Dispose();
        }
        base.Dispose(disposing);
    }
}
