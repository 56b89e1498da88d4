using LlmCfsr.Sequences;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The id-only baseline (SASRec, GRU4Rec, BERT4Rec as published): an item-id embedding table, shared between
/// the input and the output scores, in front of one backbone.
/// </summary>
public sealed class IdOnlyRecommender : SequentialRecommender
{
    private readonly Embedding item_embeddings;
    private readonly nn.Module backbone;

    /// <summary>Name of the item-id table parameter ([items + 1, d], row 0 padding).</summary>
    public const string ItemTableParameter = "item_embeddings.weight";

    /// <summary>Creates the model around <paramref name="encoder"/> for <paramref name="itemCount"/> items.</summary>
    public IdOnlyRecommender(string name, int itemCount, int maxLength, ISequenceEncoder encoder)
        : base(name, itemCount, maxLength)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        // Only the module is kept in a field: RegisterComponents registers every module-valued field, and a
        // second reference to the same backbone would register its parameters twice.
        backbone = encoder.Module;
        item_embeddings = nn.Embedding(itemCount + 1, encoder.HiddenSize, padding_idx: 0);
        // Xavier-normal initialisation as in the reference SASRec code; row 0 (padding) stays zero.
        using (no_grad())
        {
            nn.init.xavier_normal_(item_embeddings.weight!);
            item_embeddings.weight![0].zero_();
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override SequenceDirection Direction => Encoder.Direction;

    private ISequenceEncoder Encoder => (ISequenceEncoder)backbone;

    /// <inheritdoc />
    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
    {
        using var scope = NewDisposeScope();
        var states = Encoder.Encode(item_embeddings.call(items), ItemIds.IsReal(items), maskedPositions);
        return states.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items) => item_embeddings.call(items);

    /// <inheritdoc />
    /// <remarks>Multiplies by the table itself: no gather of every row forward, no scatter of its gradient backward.</remarks>
    public override Tensor ScoreAllItems(Tensor states) => states.matmul(item_embeddings.weight!.t());
}
