using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.SasRec;

/// <summary>
/// One SASRec block as in the reference implementation: Q = LN(x); x = Q + MHA(Q, x, x); x = LN(x);
/// x = x + FFN(x), where FFN is Linear-ReLU-Dropout-Linear-Dropout.
/// </summary>
internal sealed class SasRecBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm attention_norm;
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly LayerNorm feed_forward_norm;
    private readonly Linear feed_forward_in;
    private readonly Linear feed_forward_out;
    private readonly Dropout dropout;
    private readonly int _heads;
    private readonly double _attentionDropout;

    public SasRecBlock(string name, int hidden, int heads, int feedForward, double dropoutProbability, double epsilon) : base(name)
    {
        _heads = heads;
        _attentionDropout = dropoutProbability;
        attention_norm = nn.LayerNorm(hidden, epsilon);
        query = nn.Linear(hidden, hidden);
        key = nn.Linear(hidden, hidden);
        value = nn.Linear(hidden, hidden);
        output = nn.Linear(hidden, hidden);
        feed_forward_norm = nn.LayerNorm(hidden, epsilon);
        feed_forward_in = nn.Linear(hidden, feedForward);
        feed_forward_out = nn.Linear(feedForward, hidden);
        dropout = nn.Dropout(dropoutProbability);
        RegisterComponents();
    }

    /// <param name="x">[b, L, d].</param>
    /// <param name="attentionMask">[b, 1, L, L] bool, true where a query may attend to a key.</param>
    public override Tensor forward(Tensor x, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        var normed = attention_norm.call(x);
        var attended = Attend(normed, x, attentionMask);
        var h = feed_forward_norm.call(normed + attended);
        var ff = dropout.call(feed_forward_out.call(dropout.call(nn.functional.relu(feed_forward_in.call(h)))));
        return (h + ff).MoveToOuterDisposeScope();
    }

    private Tensor Attend(Tensor queries, Tensor keysAndValues, Tensor attentionMask)
    {
        long b = queries.shape[0], length = queries.shape[1], d = queries.shape[2];
        Tensor Split(Tensor t) => t.view(b, length, _heads, d / _heads).transpose(1, 2);
        var attended = nn.functional.scaled_dot_product_attention(
            Split(query.call(queries)), Split(key.call(keysAndValues)), Split(value.call(keysAndValues)),
            attentionMask, training ? _attentionDropout : 0.0, false);
        return dropout.call(output.call(attended.transpose(1, 2).reshape(b, length, d)));
    }
}
