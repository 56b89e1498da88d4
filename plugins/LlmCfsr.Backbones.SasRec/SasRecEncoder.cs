using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.SasRec;

/// <summary>
/// SASRec (Kang and McAuley, 2018): input item embeddings (scaled by sqrt(d)) plus learned positional
/// embeddings, dropout, stacked causal self-attention blocks and a final layer norm. A position attends to
/// itself and earlier real items only; padding never influences real positions.
/// </summary>
internal sealed class SasRecEncoder : SequenceEncoderModule
{
    private readonly Embedding positions;
    private readonly ManagedDropout input_dropout;
    private readonly ModuleList<TransformerBlock> blocks;
    private readonly LayerNorm final_norm;
    private readonly double _inputScale;

    /// <summary>Creates the backbone with fresh parameters on the CPU.</summary>
    public SasRecEncoder(SequenceEncoderSettings settings, SasRecOptions options) : base(nameof(SasRecEncoder), settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        _inputScale = options.ScaleEmbeddings ? Math.Sqrt(settings.HiddenSize) : 1.0;
        positions = nn.Embedding(settings.MaxLength, settings.HiddenSize);
        input_dropout = new ManagedDropout(settings.Dropout);
        blocks = new ModuleList<TransformerBlock>(Enumerable.Range(0, settings.Layers)
            .Select(i => new TransformerBlock($"block{i}", TransformerBlockForm.SasRec, settings.HiddenSize, settings.Heads,
                settings.HiddenSize * options.FeedForwardMultiplier, settings.Dropout, options.LayerNormEpsilon))
            .ToArray());
        final_norm = nn.LayerNorm(settings.HiddenSize, options.LayerNormEpsilon);
        RegisterComponents();
        // Xavier-normal positions as in the reference implementation (libtorch's N(0, 1) would drown the items).
        using (no_grad())
        {
            nn.init.xavier_normal_(positions.weight!);
        }
    }

    /// <inheritdoc />
    public override string Name => "sasrec";

    /// <inheritdoc />
    public override SequenceDirection Direction => SequenceDirection.Causal;

    /// <inheritdoc />
    protected override Tensor EncodeStates(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        using var scope = NewDisposeScope();
        var (x, real, mask) = BlockInputs(itemEmbeddings, paddingMask);
        foreach (var block in blocks)
        {
            x = block.call(x, mask);
        }
        // Zeroing the padding rows once, after the last block, gives exactly what zeroing them after every block (as
        // the reference implementation does) gives: real queries never attend to padding keys (their weight is
        // exp(-inf) = 0) and a padding query attends only to itself, so no padding value reaches a real row.
        return final_norm.call(x * real).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The last block computes the last position's row only (<see cref="TransformerBlock.LastPosition"/>): scoring a
    /// history reads nothing else. In training mode too: dropout acts on each row independently, so the last row follows
    /// the distribution of the whole pass's last column (all LLM-ESR's teacher needs), though from fewer random draws.
    /// </summary>
    protected override Tensor EncodeLastState(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        using var scope = NewDisposeScope();
        long length = itemEmbeddings.shape[1];
        var (x, real, mask) = BlockInputs(itemEmbeddings, paddingMask);
        for (int i = 0; i < blocks.Count - 1; i++)
        {
            x = blocks[i].call(x, mask);
        }
        var last = blocks[blocks.Count - 1].LastPosition(x, mask.narrow(2, length - 1, 1));
        return final_norm.call(last * real.narrow(1, length - 1, 1)).squeeze(1).MoveToOuterDisposeScope();
    }

    /// <summary>The first block's input [b, L, d], the real-position weights [b, L, 1] and the attention mask [b, 1, L, L].</summary>
    private (Tensor X, Tensor Real, Tensor Mask) BlockInputs(Tensor itemEmbeddings, Tensor paddingMask)
    {
        long length = itemEmbeddings.shape[1];
        var device = itemEmbeddings.device;
        var real = paddingMask.to(itemEmbeddings.dtype).unsqueeze(-1);
        // Left padding puts the newest item in the last column, so positions count from the end of the window.
        using var firstPosition = (MaxLength - length).ToScalar();
        using var endPosition = MaxLength.ToScalar();
        var positionIds = TensorArithmetic.Arange(firstPosition, endPosition, ScalarType.Int64, device);
        using var inputScale = _inputScale.ToScalar();
        var x = TensorArithmetic.Plus(itemEmbeddings.mul(inputScale), positions.call(positionIds).unsqueeze(0));
        return (input_dropout.call(x) * real, real, AttentionMask(paddingMask.to(ScalarType.Bool), length, device));
    }

    /// <summary>
    /// Query i may attend to key j when j &lt;= i and j is a real item; every query may also attend to itself
    /// so padding rows never see an empty set (which would turn softmax into NaN and leak through 0 * NaN).
    /// </summary>
    private static Tensor AttentionMask(Tensor real, long length, Device device)
    {
        var causal = ones(length, length, dtype: ScalarType.Bool, device: device).tril();
        var diagonal = eye(length, dtype: ScalarType.Bool, device: device);
        var keys = real.unsqueeze(1).unsqueeze(1); // [b, 1, 1, L]
        return causal.logical_and(keys).logical_or(diagonal);
    }
}
