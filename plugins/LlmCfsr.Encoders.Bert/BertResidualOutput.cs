using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// Hugging Face <c>BertSelfOutput</c> / <c>BertOutput</c>: LayerNorm(dropout(dense(x)) + residual), the post-LayerNorm
/// step that closes both sub-blocks of a BERT layer.
/// </summary>
internal sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "dense")]
    private readonly DecoderLinear _dense;
    [ComponentName(Name = "LayerNorm")]
    private readonly LayerNorm _norm;
    private readonly double _dropout;

    public BertResidualOutput(BertConfig config, long inFeatures, ScalarType dtype, Device device) : base(nameof(BertResidualOutput))
    {
        _dense = new DecoderLinear(inFeatures, config.HiddenSize, hasBias: true, dtype, device);
        _norm = nn.LayerNorm(config.HiddenSize, config.LayerNormEps, device: device, dtype: dtype);
        _dropout = config.HiddenDropoutProb;
        RegisterComponents();
    }

    public DecoderLinear Dense => _dense;

    public override Tensor forward(Tensor input, Tensor residual)
    {
        using var scope = torch.NewDisposeScope();
        var projected = nn.functional.dropout(_dense.call(input), _dropout, training);
        return _norm.call(TensorArithmetic.Plus(projected, residual)).MoveToOuterDisposeScope();
    }
}
