using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>
/// One self-attention block of the Transformer backbones (SASRec, BERT4Rec): multi-head attention through
/// <c>scaled_dot_product_attention</c> with attention dropout, output projection and dropout, then a two-layer
/// feed-forward network, normalised as <see cref="TransformerBlockForm"/> says. Parameter names
/// (<c>attention_norm</c>, <c>query</c>, <c>key</c>, <c>value</c>, <c>output</c>, <c>feed_forward_norm</c>,
/// <c>feed_forward_in</c>, <c>feed_forward_out</c>) are those of the saved weights of both backbones.
/// </summary>
public sealed class TransformerBlock : nn.Module<Tensor, Tensor, Tensor>
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
    private readonly TransformerBlockForm _form;
    private readonly int _heads;
    private readonly double _attentionDropout;

    /// <summary>
    /// Creates a block of width <paramref name="hidden"/> with <paramref name="heads"/> heads, a feed-forward layer of
    /// <paramref name="feedForward"/> units, dropout <paramref name="dropoutProbability"/> (attention weights included)
    /// and LayerNorm epsilon <paramref name="epsilon"/>.
    /// </summary>
    public TransformerBlock(string name, TransformerBlockForm form, int hidden, int heads, int feedForward, double dropoutProbability, double epsilon) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(heads);
        if (hidden % heads != 0)
        {
            throw new ArgumentException($"The hidden size {hidden} is not a multiple of the {heads} heads.", nameof(heads));
        }
        _form = form;
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
        if (_form == TransformerBlockForm.SasRec)
        {
            var normed = attention_norm.call(x);
            var h = feed_forward_norm.call(normed + Attend(normed, x, attentionMask));
            var ff = dropout.call(feed_forward_out.call(dropout.call(nn.functional.relu(feed_forward_in.call(h)))));
            return (h + ff).MoveToOuterDisposeScope();
        }
        var attended = attention_norm.call(x + Attend(x, x, attentionMask));
        var feedForward = feed_forward_out.call(nn.functional.gelu(feed_forward_in.call(attended)));
        return feed_forward_norm.call(attended + dropout.call(feedForward)).MoveToOuterDisposeScope();
    }

    /// <summary>Dropout(Output(MHA(queries, keysAndValues, keysAndValues))).</summary>
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
