using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using LlmCfsr.Representations;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLMEmb: the fine-tuned LLM item embeddings (frozen, kept outside the parameters and the checkpoint) through a trainable
/// <see cref="SemanticAdapter"/> are the item representations of a backbone (input and scores). Training (RAT) adds
/// α · the soft-target symmetric contrastive loss between a pretrained id-only model's item embeddings (the teacher,
/// frozen) and the adapted embeddings of the batch's target items (τ = 2, α = 0.01 by default, as the official code).
/// </summary>
public sealed class LlmEmbRecommender : SingleViewRecommender
{
    private readonly FrozenTable _semanticTable;
    private readonly FrozenTable? _teacherTable;
    private readonly SemanticAdapter semantic_adapter;
    private readonly LlmEmbOptions _alignment;

    /// <summary>
    /// Creates the model over <paramref name="semanticTable"/> [items + 1, d_llm] and <paramref name="teacherTable"/>
    /// [items + 1, d] (row 0 padding in both; null for a model that only scores), which it takes ownership of.
    /// </summary>
    internal LlmEmbRecommender(string name, int itemCount, int maxLength, Tensor semanticTable, Tensor? teacherTable, SemanticAdapter adapter, ISequenceEncoder encoder, LlmEmbOptions alignment)
        : base(name, itemCount, maxLength, encoder)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        _alignment = alignment ?? throw new ArgumentNullException(nameof(alignment));
        semantic_adapter = adapter;
        RegisterComponents();
        _semanticTable = new FrozenTable(semanticTable);
        _teacherTable = teacherTable is null ? null : new FrozenTable(teacherTable);
    }

    /// <summary>
    /// LLMEmb registered as <paramref name="name"/>: the fine-tuned item embeddings through a new adapter in front of
    /// <see cref="BackboneModelOptions.Backbone"/>, aligned to the teacher's item table of the same hidden size. Without the
    /// teacher's table (a model rebuilt for scoring) the model scores but cannot train.
    /// </summary>
    internal static LlmEmbRecommender Create(string name, LlmEmbOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        var embeddings = SemanticItemTables.Checked(inputs.Require(name, ModelInput.ScftEmbeddings), inputs.ItemCount, nameof(RecommenderModelInputs.ScftItemEmbeddings));
        var teacher = inputs.TeacherItemEmbeddings;
        int hidden = inputs.Backbone.HiddenSize;
        if (teacher is not null && (teacher.ndim != 2 || teacher.shape[0] != inputs.ItemCount + 1 || teacher.shape[1] != hidden))
        {
            throw new ArgumentException(
                $"Model '{name}' aligns to the teacher's item table, which is [{string.Join(", ", teacher.shape)}]; it must be [{inputs.ItemCount + 1}, {hidden}]: train the teacher with the same --hidden ({hidden}).");
        }
        var encoder = components.SequenceEncoder(options.Backbone).Create(inputs.Backbone);
        var model = new LlmEmbRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength,
            embeddings.detach(), teacher?.detach().clone(), new SemanticAdapter((int)embeddings.shape[1], hidden, options.AdapterDropout), encoder, options);
        if (teacher is null)
        {
            model.MarkScoringOnly(ModelInput.TeacherRun);
        }
        return model;
    }

    /// <summary>The teacher's item table [items + 1, d] on <paramref name="device"/>.</summary>
    internal Tensor TeacherTableOn(Device device) => Teacher.On(device, AdapterDType);

    private FrozenTable Teacher => _teacherTable
        ?? throw new InvalidOperationException($"Model '{GetName()}' was built without the teacher's item table (RecommenderModelInputs.TeacherItemEmbeddings), so it scores but cannot compute the alignment term.");

    /// <inheritdoc />
    public override RecommenderModelInputs WithFrozenTables(RecommenderModelInputs inputs)
        => (inputs ?? throw new ArgumentNullException(nameof(inputs))) with { ScftItemEmbeddings = _semanticTable.CpuFloat32() };

    private ScalarType AdapterDType => semantic_adapter.parameters().First().dtype;

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var rows = _semanticTable.Rows(items, AdapterDType);
        return semantic_adapter.call(rows).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var total = base.ComputeLoss(batch, loss, negatives);
        if (_alignment.AlignmentWeight > 0)
        {
            using var weight = _alignment.AlignmentWeight.ToScalar();
            total = TensorArithmetic.Plus(total, AlignmentLoss(batch).mul(weight));
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// RAT's alignment: the soft-target symmetric contrastive loss between the frozen teacher's id embeddings (X) and
    /// the adapted LLM embeddings (Y) of the batch's target items (every target position, duplicates included, as the
    /// official code), on raw dot products at temperature τ.
    /// </summary>
    internal Tensor AlignmentLoss(TrainingBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var targets = batch.Targets.reshape(-1);
        targets = targets.masked_select(ItemIds.IsReal(targets));
        if (targets.shape[0] > _alignment.MaxAlignmentItems)
        {
            targets = targets.index_select(0, randperm(targets.shape[0], device: targets.device).narrow(0, 0, _alignment.MaxAlignmentItems));
        }
        var teacher = Teacher.Rows(targets, AdapterDType);
        var adapted = ItemRepresentations(targets);
        return SoftTargetContrastiveLoss.Compute(teacher, adapted, _alignment.Temperature).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _semanticTable.Dispose();
            _teacherTable?.Dispose();
        }
        base.Dispose(disposing);
    }
}
