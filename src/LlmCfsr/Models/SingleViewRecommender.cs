using LlmCfsr.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// A recommender with one view: its item representations (<see cref="SequentialRecommender.ItemRepresentations"/>) are both
/// the backbone's input and what states are scored against (the id-only baselines, SAID, LLM2X, LLMEmb). A subclass gives
/// the item representations and calls <c>RegisterComponents()</c> last in its constructor.
/// </summary>
public abstract class SingleViewRecommender : SequentialRecommender
{
    /// <summary>
    /// The backbone's module. Protected, so <c>RegisterComponents()</c> of a subclass sees it (it registers the fields of the
    /// runtime type, which include inherited protected fields but not private ones) under the name "backbone".
    /// </summary>
    protected readonly nn.Module backbone;

    /// <summary>Creates the model around <paramref name="encoder"/> (taking ownership) for <paramref name="itemCount"/> items.</summary>
    protected SingleViewRecommender(string name, int itemCount, int maxLength, ISequenceEncoder encoder)
        : base(name, itemCount, maxLength)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        // Only the module is kept in a field: a second reference to the same backbone would register its parameters twice.
        backbone = encoder.Module;
    }

    /// <inheritdoc />
    public override SequenceDirection Direction => Encoder.Direction;

    /// <summary>The backbone.</summary>
    protected ISequenceEncoder Encoder => (ISequenceEncoder)backbone;

    /// <inheritdoc />
    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        return Encoder.Encode(ItemRepresentations(items), ItemIds.IsReal(items), maskedPositions).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override Tensor EncodeLastStates(Tensor items, Tensor? maskedPositions)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        return Encoder.EncodeLast(ItemRepresentations(items), ItemIds.IsReal(items), maskedPositions).MoveToOuterDisposeScope();
    }
}
