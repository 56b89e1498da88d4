using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>One pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed class DecoderLayer : nn.Module<Tensor, Tensor, Tensor, Tensor, Tensor>
{
    private readonly RmsNorm input_layernorm;
    private readonly DecoderAttention self_attn;
    private readonly RmsNorm post_attention_layernorm;
    private readonly DecoderMlp mlp;

    public DecoderLayer(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderLayer))
    {
        input_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        self_attn = new DecoderAttention(config, dtype, device);
        post_attention_layernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        mlp = new DecoderMlp(config, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hidden, Tensor cos, Tensor sin, Tensor additiveMask)
    {
        using var scope = torch.NewDisposeScope();
        var h = hidden + self_attn.call(input_layernorm.call(hidden), cos, sin, additiveMask);
        return (h + mlp.call(post_attention_layernorm.call(h))).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections() => self_attn.Projections().Concat(mlp.Projections());
}
