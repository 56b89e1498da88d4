using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Causal grouped-query self-attention: num_key_value_heads key/value heads shared by groups of query heads.
/// Scores and softmax run in float32.
/// </summary>
internal sealed class DecoderAttention : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly DecoderLinear q_proj;
    private readonly DecoderLinear k_proj;
    private readonly DecoderLinear v_proj;
    private readonly DecoderLinear o_proj;
    private readonly int _heads;
    private readonly int _kvHeads;
    private readonly int _headSize;

    public DecoderAttention(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderAttention))
    {
        _heads = config.NumAttentionHeads;
        _kvHeads = config.KeyValueHeads;
        _headSize = config.HeadSize;
        bool bias = config.HasQkvBias;
        q_proj = new DecoderLinear(config.HiddenSize, _heads * _headSize, bias, dtype, device);
        k_proj = new DecoderLinear(config.HiddenSize, _kvHeads * _headSize, bias, dtype, device);
        v_proj = new DecoderLinear(config.HiddenSize, _kvHeads * _headSize, bias, dtype, device);
        o_proj = new DecoderLinear(_heads * _headSize, config.HiddenSize, hasBias: false, dtype, device);
        RegisterComponents();
    }

    /// <param name="hidden">[batch, length, hidden].</param>
    /// <param name="cos">Rotary cos table [length, headSize].</param>
    /// <param name="sin">Rotary sin table [length, headSize].</param>
    /// <param name="additiveMask">float32 [batch, 1, length, length]: 0 where attention is allowed, a large negative value elsewhere.</param>
    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        var q = q_proj.call(hidden).view(batch, length, _heads, _headSize).transpose(1, 2);
        var k = k_proj.call(hidden).view(batch, length, _kvHeads, _headSize).transpose(1, 2);
        var v = v_proj.call(hidden).view(batch, length, _kvHeads, _headSize).transpose(1, 2);
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (_kvHeads != _heads)
        {
            // Query head h reads key/value head h / (heads / kvHeads), as Hugging Face's repeat_kv.
            k = k.repeat_interleave(_heads / _kvHeads, dim: 1);
            v = v.repeat_interleave(_heads / _kvHeads, dim: 1);
        }
        var scores = torch.matmul(q, k.transpose(-2, -1)).to(ScalarType.Float32) * (1.0 / Math.Sqrt(_headSize)) + additiveMask;
        var probabilities = scores.softmax(-1).to(v.dtype);
        var context = torch.matmul(probabilities, v).transpose(1, 2).reshape(batch, length, _heads * _headSize);
        return o_proj.call(context).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
    {
        yield return (nameof(q_proj), q_proj);
        yield return (nameof(k_proj), k_proj);
        yield return (nameof(v_proj), v_proj);
        yield return (nameof(o_proj), o_proj);
    }
}
