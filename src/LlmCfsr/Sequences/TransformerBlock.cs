using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>
/// One self-attention block of the Transformer backbones (SASRec, BERT4Rec): multi-head attention (libtorch's
/// <c>scaled_dot_product_attention</c>, or its math written out when the attention weights take dropout), output projection and dropout, then a two-layer
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
    private readonly ManagedDropout dropout;
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
        dropout = new ManagedDropout(dropoutProbability);
        RegisterComponents();
    }

    /// <param name="x">[b, L, d].</param>
    /// <param name="attentionMask">[b, 1, L, L] bool, true where a query may attend to a key.</param>
    public override Tensor forward(Tensor x, Tensor attentionMask) => Update(x, x, attentionMask);

    /// <summary>
    /// The block's output [b, 1, d] at the last position only: the same as the last column of <see cref="forward"/>
    /// (every other position's keys and values are still read, but only one query, output projection and feed-forward
    /// row is computed), so a stack can skip the rows of its last block that nothing reads.
    /// </summary>
    /// <param name="x">[b, L, d].</param>
    /// <param name="attentionMask">[b, 1, 1, L] bool, true where the last query may attend to a key.</param>
    public Tensor LastPosition(Tensor x, Tensor attentionMask)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        return Update(x.narrow(1, x.shape[1] - 1, 1), x, attentionMask).MoveToOuterDisposeScope();
    }

    /// <summary>The block's output at the positions of <paramref name="rows"/> (all of <paramref name="x"/> or its last columns), attending over <paramref name="x"/>.</summary>
    private Tensor Update(Tensor rows, Tensor x, Tensor attentionMask)
    {
        using var scope = NewDisposeScope();
        if (_form == TransformerBlockForm.SasRec)
        {
            var normed = attention_norm.call(rows);
            var h = feed_forward_norm.call(TensorArithmetic.Plus(normed, Attend(normed, x, attentionMask)));
            var ff = dropout.call(feed_forward_out.call(dropout.call(nn.functional.relu(feed_forward_in.call(h)))));
            return TensorArithmetic.Plus(h, ff).MoveToOuterDisposeScope();
        }
        var attended = attention_norm.call(TensorArithmetic.Plus(rows, Attend(rows, x, attentionMask)));
        var feedForward = feed_forward_out.call(nn.functional.gelu(feed_forward_in.call(attended)));
        return feed_forward_norm.call(TensorArithmetic.Plus(attended, dropout.call(feedForward))).MoveToOuterDisposeScope();
    }

    /// <summary>Dropout(Output(MHA(queries, keysAndValues, keysAndValues))) [b, queries, d].</summary>
    private Tensor Attend(Tensor queries, Tensor keysAndValues, Tensor attentionMask)
    {
        long b = queries.shape[0], length = queries.shape[1], d = queries.shape[2];
        Tensor Split(Tensor t) => t.view(b, t.shape[1], _heads, d / _heads).transpose(1, 2);
        var attended = Attention(Split(query.call(queries)), Split(key.call(keysAndValues)), Split(value.call(keysAndValues)),
            attentionMask, training ? _attentionDropout : 0.0);
        return dropout.call(output.call(attended.transpose(1, 2).reshape(b, length, d)));
    }

    /// <summary>
    /// softmax(q·kᵀ / √d_head, where the mask allows) · v [b, h, L, d_head], with dropout
    /// <paramref name="dropoutProbability"/> on the attention weights. Without dropout this is libtorch's
    /// <c>scaled_dot_product_attention</c>. With dropout libtorch runs its unfused math path anyway, and that path
    /// (boolean mask turned into an additive one, query and key scaled apart, dropout) cost 1.3–2.2× the same
    /// products written out here (benchmark probe at b = 128, L = 16–200, d = 64, one thread); both draw the same dropout
    /// mask from the same generator on the same shape (<see cref="ManagedDropout"/>), so a seeded run draws the same masks.
    /// </summary>
    /// <param name="queries">[b, h, Q, d_head].</param>
    /// <param name="keys">[b, h, L, d_head].</param>
    /// <param name="values">[b, h, L, d_head].</param>
    /// <param name="allowed">Bool, broadcastable to [b, h, Q, L]: true where a query may attend to a key.</param>
    /// <param name="dropoutProbability">Dropout on the attention weights (0 outside training).</param>
    internal static Tensor Attention(Tensor queries, Tensor keys, Tensor values, Tensor allowed, double dropoutProbability)
    {
        if (dropoutProbability == 0.0)
        {
            return nn.functional.scaled_dot_product_attention(queries, keys, values, allowed, 0.0, false);
        }
        using var scope = NewDisposeScope();
        using var scale = (1.0 / Math.Sqrt(queries.shape[3])).ToScalar();
        var additive = zeros(allowed.shape, dtype: queries.dtype, device: queries.device).masked_fill_(allowed.logical_not(), MinusInfinity);
        var scores = TensorArithmetic.PlusInPlace(queries.matmul(keys.transpose(2, 3)).mul_(scale), additive);
        var weights = ManagedDropout.Apply(scores.softmax(-1), dropoutProbability, true);
        return weights.matmul(values).MoveToOuterDisposeScope();
    }

    // A static Scalar outlives every native call that reads it (see build/analyzers, LLMCFSR100).
    private static readonly Scalar MinusInfinity = double.NegativeInfinity;
}
