using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
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
/// and minimises the MSE between the inferred embedding and the item's pretrained one. The ranking batch is not used.</item>
/// <item>After every epoch every tail item with contexts gets the embedding inferred from all its contexts, in the table the
/// backbone reads and scores with (stage 3), so validation (early stopping) and the saved weights see the replaced table.</item>
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
    private const int InferenceChunk = 2048;

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
    /// <remarks>The MSE of the inference network on a few-shot batch of head items; the ranking batch only paces the steps.</remarks>
    public override Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (MissingTrainingInput is { } missing)
        {
            throw new InvalidOperationException(missing);
        }
        return InferenceLoss(batch.Items.device);
    }

    /// <summary>The MSE between inferred and pretrained embeddings of <see cref="CitiesOptions.ItemsPerStep"/> head items shown 1..MaxShots contexts each.</summary>
    internal Tensor InferenceLoss(Device device)
    {
        var data = _contexts!;
        using var scope = NewDisposeScope();
        var table = data.PretrainedTable.On(device, inference.parameters().First().dtype);
        long shots = randint(1, _options.MaxShots + 1, [1], dtype: ScalarType.Int64).item<long>();
        var picks = randint(0, data.HeadItems.shape[0], [_options.ItemsPerStep], dtype: ScalarType.Int64);
        var items = data.HeadItems.index_select(0, picks);
        var first = data.Offsets.index_select(0, items);
        using var one = 1L.ToScalar();
        var counts = data.Offsets.index_select(0, TensorArithmetic.Plus(items, one)).sub(first);
        var chosen = TensorArithmetic.Plus(first.unsqueeze(1), rand([_options.ItemsPerStep, shots]).mul(counts.unsqueeze(1).to(ScalarType.Float32)).floor().to(ScalarType.Int64));
        var inferred = inference.call(data.Contexts.Select(chosen, device), table);
        return nn.functional.mse_loss(inferred, table.index_select(0, items.to(device))).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>Replaces every tail item's embedding by the one inferred from all its contexts (evaluation mode, no gradients).</remarks>
    public override void OnEpochTrained(TrainingEpoch epoch)
    {
        if (_contexts is null)
        {
            return;
        }
        eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Device;
        var table = _contexts.PretrainedTable.On(device, item_embeddings.weight!.dtype);
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
