using LlmCfsr.Losses;
using LlmCfsr.Representations;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLMEmb: the fine-tuned LLM item embeddings (frozen, a non-persistent buffer) through a trainable
/// <see cref="SemanticAdapter"/> are the item representations of a backbone (input and scores). Training adds a
/// collaborative alignment: a symmetric InfoNCE between the adapted embeddings and a pretrained id-only model's
/// item embeddings (the teacher, frozen) of the same items, over the distinct items of the batch, so each adapted
/// item is closest to its own collaborative embedding among the batch's items.
/// </summary>
public sealed class LlmEmbRecommender : SequentialRecommender
{
    private const string SemanticTable = "semantic_table";
    private const string TeacherTable = "teacher_table";
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
        register_buffer(SemanticTable, semanticTable, persistent: false);
        register_buffer(TeacherTable, teacherTable, persistent: false);
    }

    /// <inheritdoc />
    public override SequenceDirection Direction => Encoder.Direction;

    private ISequenceEncoder Encoder => (ISequenceEncoder)backbone;

    /// <inheritdoc />
    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
    {
        using var scope = NewDisposeScope();
        return Encoder.Encode(ItemRepresentations(items), items.gt(0), maskedPositions).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var table = get_buffer(SemanticTable)!;
        var rows = table.index_select(0, items.reshape(-1)).reshape([.. items.shape, table.shape[1]]);
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
            total = total + AlignmentLoss(batch).mul(_alignment.AlignmentWeight);
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The symmetric InfoNCE between adapted and teacher embeddings of the batch's distinct items.</summary>
    internal Tensor AlignmentLoss(TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        var present = cat([batch.Items.reshape(-1), batch.Targets.reshape(-1)]);
        var (distinct, _, _) = unique(present.masked_select(present.gt(0)), sorted: true);
        if (distinct.shape[0] > _alignment.MaxAlignmentItems)
        {
            distinct = distinct.index_select(0, randperm(distinct.shape[0], device: distinct.device).narrow(0, 0, _alignment.MaxAlignmentItems));
        }
        var adapted = nn.functional.normalize(ItemRepresentations(distinct), p: 2, dim: 1);
        var teacher = nn.functional.normalize(get_buffer(TeacherTable)!.index_select(0, distinct), p: 2, dim: 1);
        var logits = adapted.matmul(teacher.t()).div(_alignment.Temperature);
        var labels = arange(distinct.shape[0], dtype: ScalarType.Int64, device: logits.device);
        var result = (nn.functional.cross_entropy(logits, labels) + nn.functional.cross_entropy(logits.t(), labels)).div(2);
        return result.MoveToOuterDisposeScope();
    }
}
