using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Bert4Rec;

/// <summary>
/// One post-norm Transformer encoder block as in BERT: x = LN(x + Dropout(MHA(x))); x = LN(x + Dropout(FFN(x))),
/// with a GELU feed-forward network.
/// </summary>
internal sealed class Bert4RecBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly LayerNorm attention_norm;
    private readonly Linear feed_forward_in;
    private readonly Linear feed_forward_out;
    private readonly LayerNorm feed_forward_norm;
    private readonly Dropout dropout;
    private readonly int _heads;
    private readonly double _attentionDropout;

    public Bert4RecBlock(string name, int hidden, int heads, int feedForward, double dropoutProbability, double epsilon) : base(name)
    {
        _heads = heads;
        _attentionDropout = dropoutProbability;
        query = nn.Linear(hidden, hidden);
        key = nn.Linear(hidden, hidden);
        value = nn.Linear(hidden, hidden);
        output = nn.Linear(hidden, hidden);
        attention_norm = nn.LayerNorm(hidden, epsilon);
        feed_forward_in = nn.Linear(hidden, feedForward);
        feed_forward_out = nn.Linear(feedForward, hidden);
        feed_forward_norm = nn.LayerNorm(hidden, epsilon);
        dropout = nn.Dropout(dropoutProbability);
        RegisterComponents();
    }

    /// <param name="x">[b, L, d].</param>
    /// <param name="attentionMask">[b, 1, L, L] bool, true where a query may attend to a key.</param>
    public override Tensor forward(Tensor x, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        long b = x.shape[0], length = x.shape[1], d = x.shape[2];
        Tensor Split(Tensor t) => t.view(b, length, _heads, d / _heads).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(
            Split(query.call(x)), Split(key.call(x)), Split(value.call(x)),
            attentionMask, training ? _attentionDropout : 0.0, false);
        var h = attention_norm.call(x + dropout.call(output.call(attended.transpose(1, 2).reshape(b, length, d))));
        var ff = feed_forward_out.call(nn.functional.gelu(feed_forward_in.call(h)));
        return feed_forward_norm.call(h + dropout.call(ff)).MoveToOuterDisposeScope();
    }
}
