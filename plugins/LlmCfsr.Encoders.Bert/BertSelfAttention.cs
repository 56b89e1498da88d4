using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Hugging Face <c>BertSelfAttention</c>: bidirectional multi-head scaled dot-product attention over non-padding keys.</summary>
internal sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    [ComponentName(Name = "query")]
    private readonly DecoderLinear _query;
    [ComponentName(Name = "key")]
    private readonly DecoderLinear _key;
    [ComponentName(Name = "value")]
    private readonly DecoderLinear _value;
    private readonly int _heads;
    private readonly int _headSize;
    private readonly double _dropout;

    public BertSelfAttention(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertSelfAttention))
    {
        _heads = config.NumAttentionHeads;
        _headSize = config.HeadSize;
        _dropout = config.AttentionProbsDropoutProb;
        _query = new DecoderLinear(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        _key = new DecoderLinear(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        _value = new DecoderLinear(config.HiddenSize, config.HiddenSize, hasBias: true, dtype, device);
        RegisterComponents();
    }

    public IEnumerable<(string Name, DecoderLinear Projection)> Projections()
    {
        yield return ("query", _query);
        yield return ("key", _key);
        yield return ("value", _value);
    }

    /// <param name="hidden">[batch, length, hidden].</param>
    /// <param name="keep">bool [batch, 1, 1, length]: true for keys that may be attended (non-padding).</param>
    public override Tensor forward(Tensor hidden, Tensor keep)
    {
        using var scope = torch.NewDisposeScope();
        long batch = hidden.shape[0], length = hidden.shape[1];
        Tensor Heads(Tensor x) => x.view(batch, length, _heads, _headSize).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(
            Heads(_query.call(hidden)), Heads(_key.call(hidden)), Heads(_value.call(hidden)), keep, training ? _dropout : 0.0);
        return attended.transpose(1, 2).reshape(batch, length, _heads * _headSize).MoveToOuterDisposeScope();
    }
}
