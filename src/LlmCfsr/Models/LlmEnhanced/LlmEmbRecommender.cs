using LlmCfsr.Losses;
using LlmCfsr.Representations;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLMEmb: the fine-tuned LLM item embeddings (frozen, kept outside the parameters and the checkpoint) through a trainable
/// <see cref="SemanticAdapter"/> are the item representations of a backbone (input and scores). Training (RAT) adds
/// α · the soft-target symmetric contrastive loss between a pretrained id-only model's item embeddings (the teacher,
/// frozen) and the adapted embeddings of the batch's target items (τ = 2, α = 0.01 by default, as the official code).
/// </summary>
public sealed class LlmEmbRecommender : SequentialRecommender
{
    private readonly FrozenTable _semanticTable;
    private readonly FrozenTable _teacherTable;
    private readonly SemanticAdapter semantic_adapter;
    private readonly nn.Module backbone;
    private readonly LlmEmbOptions _alignment;

    /// <summary>
    /// Creates the model over <paramref name="semanticTable"/> [items + 1, d_llm] and <paramref name="teacherTable"/>
    /// [items + 1, d] (row 0 padding in both), which it takes ownership of.
    /// </summary>
    internal LlmEmbRecommender(string name, int itemCount, int maxLength, Tensor semanticTable, Tensor teacherTable, SemanticAdapter adapter, ISequenceEncoder encoder, LlmEmbOptions alignment)
        : base(name, itemCount, maxLength)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        ArgumentNullException.ThrowIfNull(encoder);
        _alignment = alignment ?? throw new ArgumentNullException(nameof(alignment));
        semantic_adapter = adapter;
        backbone = encoder.Module;
        RegisterComponents();
        _semanticTable = new FrozenTable(semanticTable);
        _teacherTable = new FrozenTable(teacherTable);
    }

    /// <inheritdoc />
    public override SequenceDirection Direction => Encoder.Direction;

    /// <summary>The teacher's item table [items + 1, d] on <paramref name="device"/>.</summary>
    internal Tensor TeacherTableOn(Device device) => _teacherTable.On(device, AdapterDType);

    private ScalarType AdapterDType => semantic_adapter.parameters().First().dtype;

    private ISequenceEncoder Encoder => (ISequenceEncoder)backbone;

    /// <inheritdoc />
    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
    {
        using var scope = NewDisposeScope();
        return Encoder.Encode(ItemRepresentations(items), ItemIds.IsReal(items), maskedPositions).MoveToOuterDisposeScope();
    }

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
            total = total + AlignmentLoss(batch).mul(weight);
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
        var teacher = _teacherTable.Rows(targets, AdapterDType);
        var adapted = ItemRepresentations(targets);
        return SoftTargetContrastiveLoss.Compute(teacher, adapted, _alignment.Temperature).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _semanticTable.Dispose();
            _teacherTable.Dispose();
        }
        base.Dispose(disposing);
    }
}
