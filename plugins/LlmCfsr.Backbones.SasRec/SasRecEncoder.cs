using LlmCfsr.Sequences;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.SasRec;

/// <summary>
/// SASRec (Kang and McAuley, 2018): input item embeddings (scaled by sqrt(d)) plus learned positional
/// embeddings, dropout, stacked causal self-attention blocks and a final layer norm. A position attends to
/// itself and earlier real items only; padding never influences real positions.
/// </summary>
public sealed class SasRecEncoder : nn.Module<Tensor, Tensor, Tensor>, ISequenceEncoder
{
    private readonly Embedding positions;
    private readonly Dropout input_dropout;
    private readonly ModuleList<SasRecBlock> blocks;
    private readonly LayerNorm final_norm;
    private readonly int _maxLength;
    private readonly double _inputScale;

    /// <summary>Creates the backbone with fresh parameters on the CPU.</summary>
    public SasRecEncoder(SequenceEncoderSettings settings, SasRecOptions options) : base(nameof(SasRecEncoder))
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        settings.Validate();
        HiddenSize = settings.HiddenSize;
        _maxLength = settings.MaxLength;
        _inputScale = options.ScaleEmbeddings ? Math.Sqrt(settings.HiddenSize) : 1.0;
        positions = nn.Embedding(settings.MaxLength, settings.HiddenSize);
        input_dropout = nn.Dropout(settings.Dropout);
        blocks = new ModuleList<SasRecBlock>(Enumerable.Range(0, settings.Layers)
            .Select(i => new SasRecBlock($"block{i}", settings.HiddenSize, settings.Heads,
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
    public string Name => "sasrec";

    /// <inheritdoc />
    public int HiddenSize { get; }

    /// <inheritdoc />
    public SequenceDirection Direction => SequenceDirection.Causal;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public Tensor Encode(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions = null)
    {
        if (maskedPositions is not null)
        {
            throw new ArgumentException("SASRec is causal: it predicts the next item at every position and takes no masked positions.", nameof(maskedPositions));
        }
        return call(itemEmbeddings, paddingMask);
    }

    /// <summary>Hidden states [b, L, d] for embeddings [b, L, d] and the padding mask [b, L] (true at real items).</summary>
    public override Tensor forward(Tensor itemEmbeddings, Tensor paddingMask)
    {
        long length = itemEmbeddings.shape[1];
        if (itemEmbeddings.dim() != 3 || itemEmbeddings.shape[2] != HiddenSize)
        {
            throw new ArgumentException($"Expected item embeddings [batch, length, {HiddenSize}], got [{string.Join(", ", itemEmbeddings.shape)}].", nameof(itemEmbeddings));
        }
        if (length > _maxLength)
        {
            throw new ArgumentException($"Sequence length {length} exceeds the backbone's maximum length {_maxLength}.", nameof(itemEmbeddings));
        }
        using var scope = NewDisposeScope();
        var device = itemEmbeddings.device;
        var real = paddingMask.to(itemEmbeddings.dtype).unsqueeze(-1);
        // Left padding puts the newest item in the last column, so positions count from the end of the window.
        using var firstPosition = (_maxLength - length).ToScalar();
        using var endPosition = _maxLength.ToScalar();
        var positionIds = arange(firstPosition, endPosition, dtype: ScalarType.Int64, device: device);
        using var inputScale = _inputScale.ToScalar();
        var x = itemEmbeddings.mul(inputScale) + positions.call(positionIds).unsqueeze(0);
        x = input_dropout.call(x) * real;
        var mask = AttentionMask(paddingMask.to(ScalarType.Bool), length, device);
        foreach (var block in blocks)
        {
            x = block.call(x, mask) * real;
        }
        return final_norm.call(x).MoveToOuterDisposeScope();
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
