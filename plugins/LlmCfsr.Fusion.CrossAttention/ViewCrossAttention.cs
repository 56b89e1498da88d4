using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>
/// One direction of cross-attention: every position of the query view attends over the other view's sequence
/// (keys and values): softmax(Q·Kᵀ/√d_head)·V per head, then an output projection. Q, K and V are bias-free
/// projections (Q = S·W_Q as in the paper; LLM-ESR's code likewise). With <c>residualNorm</c> (our variant) the
/// result is LayerNorm(queries + dropout(attention)); otherwise it is the pure attention output, without dropout.
/// </summary>
internal sealed class ViewCrossAttention : nn.Module<Tensor, Tensor, Tensor, Tensor>
{
    private readonly int _heads;
    private readonly Linear query;
    private readonly Linear key;
    private readonly Linear value;
    private readonly Linear output;
    private readonly Dropout? dropout;
    private readonly LayerNorm? norm;

    public ViewCrossAttention(string name, int hiddenSize, int heads, bool residualNorm, double dropoutProbability) : base(name)
    {
        _heads = heads;
        query = nn.Linear(hiddenSize, hiddenSize, hasBias: false);
        key = nn.Linear(hiddenSize, hiddenSize, hasBias: false);
        value = nn.Linear(hiddenSize, hiddenSize, hasBias: false);
        output = nn.Linear(hiddenSize, hiddenSize);
        if (residualNorm)
        {
            dropout = nn.Dropout(dropoutProbability);
            norm = nn.LayerNorm(hiddenSize, eps: 1e-8);
        }
        RegisterComponents();
    }

    /// <param name="queries">[batch, length, d] of the view that asks.</param>
    /// <param name="context">[batch, length, d] of the other view (keys and values).</param>
    /// <param name="allowed">[batch, 1, length, length] bool: may query position i look at key position j.</param>
    public override Tensor forward(Tensor queries, Tensor context, Tensor allowed)
    {
        using var scope = NewDisposeScope();
        long batch = queries.shape[0], length = queries.shape[1], hidden = queries.shape[2];
        long headSize = hidden / _heads;

        Tensor Split(Tensor x) => x.view(batch, length, _heads, headSize).transpose(1, 2);
        var q = Split(query.call(queries));
        var k = Split(key.call(context));
        var v = Split(value.call(context));

        // Softmax in float32 whatever the parameter dtype, for stability under fp16/bf16.
        using var scale = Math.Sqrt(headSize).ToScalar();
        using var blocked = float.NegativeInfinity.ToScalar();
        var logits = q.matmul(k.transpose(-2, -1)).div(scale).to(ScalarType.Float32);
        logits = logits.masked_fill(allowed.logical_not(), blocked);
        var weights = softmax(logits, -1).to(q.dtype);
        if (dropout is not null)
        {
            weights = dropout.call(weights);
        }
        var attended = output.call(weights.matmul(v).transpose(1, 2).reshape(batch, length, hidden));
        var result = norm is null ? attended : norm.call(TensorArithmetic.Plus(queries, dropout!.call(attended)));
        return result.MoveToOuterDisposeScope();
    }
}
