using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>The Hugging Face <c>model</c> submodule: token embedding, the blocks and the final norm.</summary>
internal sealed class DecoderBackbone : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "embed_tokens")]
    private readonly Embedding _tokenEmbedding;
    [ComponentName(Name = "layers")]
    private readonly ModuleList<DecoderLayer> _layers;
    [ComponentName(Name = "norm")]
    private readonly RmsNorm _finalNorm;
    private readonly RotaryEmbedding _rotary;

    public DecoderBackbone(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderBackbone))
    {
        _tokenEmbedding = nn.Embedding(config.VocabSize, config.HiddenSize, device: device, dtype: dtype);
        _layers = new ModuleList<DecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++)
        {
            _layers.Add(new DecoderLayer(config, dtype, device));
        }
        _finalNorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, dtype, device);
        _rotary = new RotaryEmbedding(config.HeadSize, config.RopeTheta);
        RegisterComponents();
    }

    public Parameter EmbeddingWeight => _tokenEmbedding.weight!;

    public IEnumerable<DecoderLayer> Layers => _layers;

    /// <summary>Last hidden states (after the final norm) [batch, length, hidden] for right-padded input.</summary>
    /// <param name="inputIds">int64 [batch, length].</param>
    /// <param name="attentionMask">[batch, length], 1 for real tokens and 0 for padding.</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask) => Forward(inputIds, attentionMask, null);

    /// <summary>
    /// With a <paramref name="cache"/>, <paramref name="inputIds"/> are the positions after the cached ones and
    /// <paramref name="attentionMask"/> covers cached and new positions [batch, cached + length].
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor attentionMask, KeyValueCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        return ForwardEmbeddings(_tokenEmbedding.call(inputIds), attentionMask, cache).MoveToOuterDisposeScope();
    }

    /// <summary>The token embeddings of <paramref name="inputIds"/> [batch, length, hidden], in the weight dtype.</summary>
    public Tensor TokenEmbeddings(Tensor inputIds) => _tokenEmbedding.call(inputIds);

    /// <summary>
    /// Like <see cref="Forward"/> from input embeddings [batch, length, hidden] instead of ids (Hugging Face's
    /// <c>inputs_embeds</c>): soft tokens that are no row of the vocabulary enter the model here.
    /// </summary>
    public Tensor ForwardEmbeddings(Tensor inputEmbeddings, Tensor attentionMask, KeyValueCache? cache)
    {
        using var scope = torch.NewDisposeScope();
        long length = inputEmbeddings.shape[1];
        long past = cache?.Length ?? 0;
        var device = inputEmbeddings.device;
        // Query at absolute position past + i sees keys 0..past + i that are not padding.
        using var first = past.ToScalar();
        using var end = (past + length).ToScalar();
        using var blocked = float.MinValue.ToScalar();
        var queries = TensorArithmetic.Arange(first, end, ScalarType.Int64, device).unsqueeze(1);
        var causal = TensorArithmetic.Arange(end, ScalarType.Int64, device).unsqueeze(0).le(queries);
        var keys = attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1);
        var allowed = causal.unsqueeze(0).unsqueeze(0).logical_and(keys);
        var additiveMask = torch.zeros(allowed.shape, dtype: ScalarType.Float32, device: device).masked_fill(allowed.logical_not(), blocked);
        var (cos, sin) = _rotary.Tables(past, length, device);
        var hidden = inputEmbeddings;
        int index = 0;
        foreach (var layer in _layers)
        {
            hidden = layer.Forward(hidden, cos, sin, additiveMask, cache, index++);
        }
        cache?.Advance(length);
        return _finalNorm.call(hidden).MoveToOuterDisposeScope();
    }
}
