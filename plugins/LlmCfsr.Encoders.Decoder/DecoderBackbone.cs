using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>The Hugging Face <c>model</c> submodule: token embedding, the blocks and the final norm.</summary>
internal sealed class DecoderBackbone : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<DecoderLayer> layers;
    private readonly RmsNorm norm;
    private readonly RotaryEmbedding _rotary;

    public DecoderBackbone(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderBackbone))
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        layers = new ModuleList<DecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            layers.Add(new DecoderLayer(config, dtype, device));
        }
        norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _rotary = new RotaryEmbedding(config.HeadSize, config.RopeTheta);
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => embed_tokens.weight!;

    public IEnumerable<DecoderLayer> Layers => layers;

    /// <summary>Last hidden states (after the final norm) [batch, length, hidden] for right-padded input.</summary>
    /// <param name="inputIds">int64 [batch, length].</param>
    /// <param name="attentionMask">[batch, length], 1 for real tokens and 0 for padding.</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        long length = inputIds.shape[1];
        var device = inputIds.device;
        var causal = torch.ones(length, length, dtype: ScalarType.Bool, device: device).tril();
        var keys = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        var allowed = causal.unsqueeze(0).unsqueeze(0).logical_and(keys);
        var additiveMask = torch.zeros(allowed.shape, dtype: ScalarType.Float32, device: device).masked_fill(allowed.logical_not(), float.MinValue);
        var (cos, sin) = _rotary.Tables(length, device);
        var hidden = embed_tokens.call(inputIds);
        foreach (var layer in layers)
        {
            hidden = layer.call(hidden, cos, sin, additiveMask);
        }
        return norm.call(hidden).MoveToOuterDisposeScope();
    }
}
