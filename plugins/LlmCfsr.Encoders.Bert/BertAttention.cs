using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Hugging Face <c>BertAttention</c>: self-attention (<c>self</c>) then its residual output (<c>output</c>).</summary>
internal sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "self")]
    private readonly BertSelfAttention _self;
    [ComponentName(Name = "output")]
    private readonly BertResidualOutput _output;

    public BertAttention(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertAttention))
    {
        _self = new BertSelfAttention(config, dtype, device);
        _output = new BertResidualOutput(config, config.HiddenSize, dtype, device);
        RegisterComponents();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
        => _self.Projections().Append(("dense", _output.Dense));

    public override Tensor forward(Tensor hidden, Tensor keep)
    {
        using var scope = torch.NewDisposeScope();
        return _output.call(_self.call(hidden, keep), hidden).MoveToOuterDisposeScope();
    }
}
