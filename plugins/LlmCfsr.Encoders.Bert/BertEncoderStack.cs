using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Hugging Face <c>BertEncoder</c>: the stack of layers (<c>encoder.layer.N</c>).</summary>
internal sealed class BertEncoderStack : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "layer")]
    private readonly ModuleList<BertLayer> _layers;

    public BertEncoderStack(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertEncoderStack))
    {
        _layers = new ModuleList<BertLayer>(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config, dtype, device)).ToArray());
        RegisterComponents();
    }

    public IEnumerable<BertLayer> Layers => _layers;

    public override Tensor forward(Tensor hidden, Tensor keep)
    {
        using var scope = torch.NewDisposeScope();
        foreach (var layer in _layers)
        {
            hidden = layer.call(hidden, keep);
        }
        return hidden.MoveToOuterDisposeScope();
    }
}
