using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>One pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "input_layernorm")]
    private readonly RmsNorm _attentionNorm;
    [ComponentName(Name = "self_attn")]
    private readonly DecoderAttention _attention;
    [ComponentName(Name = "post_attention_layernorm")]
    private readonly RmsNorm _mlpNorm;
    [ComponentName(Name = "mlp")]
    private readonly DecoderMlp _mlp;

    public DecoderLayer(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderLayer))
    {
        _attentionNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _attention = new DecoderAttention(config, dtype, device);
        _mlpNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _mlp = new DecoderMlp(config, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask) => Forward(hidden, cos, sin, additiveMask, null, 0);

    public Tensor Forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask, KeyValueCache? cache, int layer)
    {
        using var scope = torch.NewDisposeScope();
        var h = TensorArithmetic.Plus(hidden, _attention.Forward(_attentionNorm.call(hidden), cos, sin, additiveMask, cache, layer));
        return TensorArithmetic.Plus(h, _mlp.call(_mlpNorm.call(h))).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections() => _attention.Projections().Concat(_mlp.Projections());
}
