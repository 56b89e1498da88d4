using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Bert4Rec;

/// <summary>
/// BERT4Rec (Sun et al., 2019): input embeddings, with masked positions replaced by a learned mask embedding,
/// plus learned positional embeddings, layer norm and dropout, then bidirectional post-norm Transformer
/// blocks. Every real position attends to every real position; padding is never attended to. A model
/// predicts the next item by appending a masked position after the history.
/// </summary>
internal sealed class Bert4RecEncoder : SequenceEncoderModule
{
    private readonly Parameter mask_embedding;
    private readonly Embedding positions;
    private readonly LayerNorm input_norm;
    private readonly Dropout input_dropout;
    private readonly ModuleList<TransformerBlock> blocks;

    /// <summary>Creates the backbone with fresh parameters on the CPU.</summary>
    public Bert4RecEncoder(SequenceEncoderSettings settings, Bert4RecOptions options) : base(nameof(Bert4RecEncoder), settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        // BERT's initialiser: truncated-normal-like N(0, 0.02), drawn as normal(0.0, 0.02, size) draws it (randn, then
        // mul_ and add_) with the Scalars held (normal's own are transient: LLMCFSR101).
        using var std = 0.02.ToScalar();
        using var mean = 0.0.ToScalar();
        using var one = 1.ToScalar();
        mask_embedding = nn.Parameter(randn(new long[] { settings.HiddenSize }).mul_(std).add_(mean, one));
        positions = nn.Embedding(settings.MaxLength, settings.HiddenSize);
        input_norm = nn.LayerNorm(settings.HiddenSize, options.LayerNormEpsilon);
        input_dropout = nn.Dropout(settings.Dropout);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, settings.Layers)
            .Select(i => new TransformerBlock($"block{i}", TransformerBlockForm.PostNorm, settings.HiddenSize, settings.Heads,
                settings.HiddenSize * options.FeedForwardMultiplier, settings.Dropout, options.LayerNormEpsilon))
            .ToArray());
        RegisterComponents();
        // BERT initialises embeddings with N(0, 0.02); libtorch's N(0, 1) would drown the items.
        using (no_grad())
        {
            nn.init.normal_(positions.weight!, 0.0, 0.02);
        }
    }

    /// <inheritdoc />
    public override string Name => "bert4rec";

    /// <inheritdoc />
    public override SequenceDirection Direction => SequenceDirection.Bidirectional;

    /// <summary>
    /// Hidden states [b, L, d] for embeddings [b, L, d], the padding mask [b, L] (true at real items, masked
    /// positions included) and optionally the masked positions [b, L].
    /// </summary>
    protected override Tensor EncodeStates(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        using var scope = NewDisposeScope();
        var (x, real, mask) = BlockInputs(itemEmbeddings, paddingMask, maskedPositions);
        foreach (var block in blocks)
        {
            x = block.call(x, mask) * real;
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The last block computes the last position's row only (<see cref="TransformerBlock.LastPosition"/>): scoring a
    /// history reads only its appended masked slot. In training mode too: dropout acts on each row independently, so the
    /// last row follows the distribution of the whole pass's last column (all LLM-ESR's teacher needs), though from fewer
    /// random draws.
    /// </summary>
    protected override Tensor EncodeLastState(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        using var scope = NewDisposeScope();
        long length = itemEmbeddings.shape[1];
        var (x, real, mask) = BlockInputs(itemEmbeddings, paddingMask, maskedPositions);
        for (int i = 0; i < blocks.Count - 1; i++)
        {
            x = blocks[i].call(x, mask) * real;
        }
        var last = blocks[blocks.Count - 1].LastPosition(x, mask.narrow(2, length - 1, 1));
        return (last * real.narrow(1, length - 1, 1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>The first block's input [b, L, d], the real-position weights [b, L, 1] and the attention mask [b, 1, L, L].</summary>
    private (Tensor X, Tensor Real, Tensor Mask) BlockInputs(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        long length = itemEmbeddings.shape[1];
        var device = itemEmbeddings.device;
        var realMask = paddingMask.to(ScalarType.Bool);
        var x = itemEmbeddings;
        if (maskedPositions is not null)
        {
            x = where(maskedPositions.to(ScalarType.Bool).unsqueeze(-1), mask_embedding.to(x.dtype), x);
        }
        // Positions count from the end of the window: the newest column always has the last position.
        using var firstPosition = (MaxLength - length).ToScalar();
        using var endPosition = MaxLength.ToScalar();
        var positionIds = TensorArithmetic.Arange(firstPosition, endPosition, ScalarType.Int64, device);
        var real = realMask.to(x.dtype).unsqueeze(-1);
        x = input_dropout.call(input_norm.call(TensorArithmetic.Plus(x, positions.call(positionIds).unsqueeze(0)))) * real;
        // Every query sees every real key, and itself so that padding rows never get an empty (NaN) softmax.
        var mask = realMask.unsqueeze(1).unsqueeze(1).logical_or(eye(length, dtype: ScalarType.Bool, device: device));
        return (x, real, mask);
    }
}
