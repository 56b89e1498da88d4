using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Hugging Face <c>BertIntermediate</c>: GELU(dense(x)) with the exact (erf) GELU.</summary>
internal sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    private readonly DecoderLinear _dense;

    public BertIntermediate(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertIntermediate))
    {
        _dense = new DecoderLinear(config.HiddenSize, config.IntermediateSize, hasBias: true, dtype, device);
        RegisterComponents();
    }

    public DecoderLinear Dense => _dense;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = torch.NewDisposeScope();
        return nn.functional.gelu(_dense.call(hidden)).MoveToOuterDisposeScope();
    }
}
