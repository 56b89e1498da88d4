using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Causal grouped-query self-attention: num_key_value_heads key/value heads shared by groups of query heads.
/// Scores and softmax run in float32.
/// </summary>
internal sealed class DecoderAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "q_proj")]
    private readonly DecoderLinear _queryProjection;
    [ComponentName(Name = "k_proj")]
    private readonly DecoderLinear _keyProjection;
    [ComponentName(Name = "v_proj")]
    private readonly DecoderLinear _valueProjection;
    [ComponentName(Name = "o_proj")]
    private readonly DecoderLinear _outputProjection;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headSize;

    public DecoderAttention(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headSize = config.HeadSize;
        bool bias = config.HasQkvBias;
        _queryProjection = new DecoderLinear(config.HiddenSize, _heads * _headSize, bias, dtype, device);
        _keyProjection = new DecoderLinear(config.HiddenSize, _kvHeads * _headSize, bias, dtype, device);
        _valueProjection = new DecoderLinear(config.HiddenSize, _kvHeads * _headSize, bias, dtype, device);
        _outputProjection = new DecoderLinear(_heads * _headSize, config.HiddenSize, hasBias: false, dtype, device);
        RegisterComponents();
    }

    /// <param name="hidden">[batch, length, hidden].</param>
    /// <param name="cos">Rotary cos table [length, headSize].</param>
    /// <param name="sin">Rotary sin table [length, headSize].</param>
    /// <param name="additiveMask">float32 [batch, 1, length, length]: 0 where attention is allowed, a large negative value elsewhere.</param>
    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask) => Forward(hidden, cos, sin, additiveMask, null, 0);

    /// <summary>Attention of the new positions over the cached ones and themselves; the mask is [batch, 1, length, cached + length].</summary>
    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask, KeyValueCache? cache, int layer)
    {
        using var scope = torch.NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        var q = _queryProjection.call(hidden).view(batch, length, _heads, _headSize).transpose(1, 2);
        var k = _keyProjection.call(hidden).view(batch, length, _kvHeads, _headSize).transpose(1, 2);
        var v = _valueProjection.call(hidden).view(batch, length, _kvHeads, _headSize).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null)
        {
            (k, v) = cache.Append(layer, k, v);
        }
        if (_kvHeads != _heads)
        {
            // Query head h reads key/value head h / (heads / kvHeads), as Hugging Face's repeat_kv.
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);
        }
        using var scale = (1.0 / Math.Sqrt(_headSize)).ToScalar();
        var scores = TensorArithmetic.Plus(torch.matmul(q, k.transpose(-2, -1)).to(ScalarType.Float32).mul(scale), additiveMask);
        var probabilities = scores.softmax(-1).to(v.dtype);
        var context = torch.matmul(probabilities, v).transpose(1, 2).reshape(batch, length, _heads * _headSize);
        return _outputProjection.call(context).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
    {
        yield return ("q_proj", _queryProjection);
        yield return ("k_proj", _keyProjection);
        yield return ("v_proj", _valueProjection);
        yield return ("o_proj", _outputProjection);
    }
}
