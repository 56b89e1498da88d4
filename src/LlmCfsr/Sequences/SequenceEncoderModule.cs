using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>
/// The base of the backbone modules: implements <see cref="ISequenceEncoder"/> over <see cref="EncodeStates"/> after
/// the checks every backbone needs (item embeddings [b, L, <see cref="HiddenSize"/>], L at most
/// <see cref="MaxLength"/>, no masked positions for a causal backbone), so a backbone writes only its computation.
/// </summary>
public abstract class SequenceEncoderModule : nn.Module<Tensor, Tensor, Tensor?, Tensor>, ISequenceEncoder
{
    /// <summary>Creates the module named <paramref name="name"/> for <paramref name="settings"/> (validated here).</summary>
    protected SequenceEncoderModule(string name, SequenceEncoderSettings settings) : base(name)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        HiddenSize = settings.HiddenSize;
        MaxLength = settings.MaxLength;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public int HiddenSize { get; }

    /// <summary>The longest sequence the backbone encodes (its positions).</summary>
    public int MaxLength { get; }

    /// <inheritdoc />
    public abstract SequenceDirection Direction { get; }

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Encode(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions = null) => call(itemEmbeddings, paddingMask, maskedPositions);

    /// <summary>Checks the inputs (errors name the argument and the expected shape), then runs <see cref="EncodeStates"/>.</summary>
    public sealed override Tensor forward(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        CheckInputs(itemEmbeddings, paddingMask, maskedPositions);
        return EncodeStates(itemEmbeddings, paddingMask, maskedPositions);
    }

    /// <inheritdoc />
    /// <remarks>Checks the inputs as <see cref="Encode"/> does, then runs <see cref="EncodeLastState"/>.</remarks>
    public Tensor EncodeLast(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions = null)
    {
        CheckInputs(itemEmbeddings, paddingMask, maskedPositions);
        return EncodeLastState(itemEmbeddings, paddingMask, maskedPositions);
    }

    /// <summary>
    /// Hidden states [b, L, d] for checked item embeddings [b, L, d], the padding mask [b, L] (true at real items) and,
    /// for a bidirectional backbone, the masked positions [b, L] (or null).
    /// </summary>
    protected abstract Tensor EncodeStates(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions);

    /// <summary>
    /// The state [b, d] of the last position for checked inputs (see <see cref="ISequenceEncoder.EncodeLast"/>): by
    /// default the last column of <see cref="EncodeStates"/>; override to skip work only other positions need.
    /// </summary>
    protected virtual Tensor EncodeLastState(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        using var scope = NewDisposeScope();
        var states = EncodeStates(itemEmbeddings, paddingMask, maskedPositions);
        return states.select(1, states.shape[1] - 1).MoveToOuterDisposeScope();
    }

    private void CheckInputs(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        ArgumentNullException.ThrowIfNull(itemEmbeddings);
        ArgumentNullException.ThrowIfNull(paddingMask);
        if (maskedPositions is not null && Direction == SequenceDirection.Causal)
        {
            throw new ArgumentException($"{Name} is causal: it predicts the next item at every position and takes no masked positions.", nameof(maskedPositions));
        }
        if (itemEmbeddings.dim() != 3 || itemEmbeddings.shape[2] != HiddenSize)
        {
            throw new ArgumentException($"Expected item embeddings [batch, length, {HiddenSize}], got [{string.Join(", ", itemEmbeddings.shape)}].", nameof(itemEmbeddings));
        }
        if (itemEmbeddings.shape[1] > MaxLength)
        {
            throw new ArgumentException($"Sequence length {itemEmbeddings.shape[1]} exceeds the backbone's maximum length {MaxLength}.", nameof(itemEmbeddings));
        }
    }
}
