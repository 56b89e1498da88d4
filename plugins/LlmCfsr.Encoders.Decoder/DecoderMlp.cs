using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) ⊙ up(x)).</summary>
internal sealed class DecoderMlp : nn.Module<Tensor, Tensor>
{
    private readonly DecoderLinear gate_proj;
    private readonly DecoderLinear up_proj;
    private readonly DecoderLinear down_proj;

    public DecoderMlp(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderMlp))
    {
        gate_proj = new DecoderLinear(config.HiddenSize, config.IntermediateSize, hasBias: false, dtype, device);
        up_proj = new DecoderLinear(config.HiddenSize, config.IntermediateSize, hasBias: false, dtype, device);
        down_proj = new DecoderLinear(config.IntermediateSize, config.HiddenSize, hasBias: false, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return down_proj.call(nn.functional.silu(gate_proj.call(input)) * up_proj.call(input)).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
    {
        yield return (nameof(gate_proj), gate_proj);
        yield return (nameof(up_proj), up_proj);
        yield return (nameof(down_proj), down_proj);
    }
}
