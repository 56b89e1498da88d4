using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>SwiGLU feed-forward: down(silu(gate(x)) ⊙ up(x)).</summary>
internal sealed class DecoderMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_proj")]
    private readonly DecoderLinear _gateProjection;
    [ComponentName(Name = "up_proj")]
    private readonly DecoderLinear _upProjection;
    [ComponentName(Name = "down_proj")]
    private readonly DecoderLinear _downProjection;

    public DecoderMlp(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderMlp))
    {
        _gateProjection = new DecoderLinear(config.HiddenSize, config.IntermediateSize, hasBias: false, dtype, device);
        _upProjection = new DecoderLinear(config.HiddenSize, config.IntermediateSize, hasBias: false, dtype, device);
        _downProjection = new DecoderLinear(config.IntermediateSize, config.HiddenSize, hasBias: false, dtype, device);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        return _downProjection.call(nn.functional.silu(_gateProjection.call(input)) * _upProjection.call(input)).MoveToOuterDisposeScope();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
    {
        yield return ("gate_proj", _gateProjection);
        yield return ("up_proj", _upProjection);
        yield return ("down_proj", _downProjection);
    }
}
