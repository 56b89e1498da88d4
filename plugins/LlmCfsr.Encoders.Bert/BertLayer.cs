using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// Hugging Face <c>BertLayer</c> (post-LayerNorm): h = LN(x + Attention(x)); out = LN(h + W2·GELU(W1·h)), with the
/// exact (erf) GELU of Hugging Face's <c>gelu</c>.
/// </summary>
internal sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "attention")]
    private readonly BertAttention _attention;
    [ComponentName(Name = "intermediate")]
    private readonly BertIntermediate _intermediate;
    [ComponentName(Name = "output")]
    private readonly BertResidualOutput _output;

    public BertLayer(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertLayer))
    {
        _attention = new BertAttention(config, dtype, device);
        _intermediate = new BertIntermediate(config, dtype, device);
        _output = new BertResidualOutput(config, config.IntermediateSize, dtype, device);
        RegisterComponents();
    }

    /// <summary>The LoRA-capable projections by PEFT target name: query, key, value and the three <c>dense</c>.</summary>
    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
        => _attention.Projections().Append(("dense", _intermediate.Dense)).Append(("dense", _output.Dense));

    public override Tensor forward(Tensor hidden, Tensor keep)
    {
        using var scope = torch.NewDisposeScope();
        var attended = _attention.call(hidden, keep);
        return _output.call(_intermediate.call(attended), attended).MoveToOuterDisposeScope();
    }
}
