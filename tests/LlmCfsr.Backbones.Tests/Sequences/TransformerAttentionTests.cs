using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Sequences;

/// <summary>
/// The written-out attention that training with attention dropout uses (<see cref="TransformerBlock.Attention"/>)
/// against libtorch's <c>scaled_dot_product_attention</c>, which the block used before: same outputs and same
/// gradients for queries, keys and values within fp32 tolerance, with dropout (both draw their masks from the same
/// seeded generator through the same call) and without, for a causal mask over left-padded rows and two heads; and the
/// block's last-position-only pass against the last column of its whole pass, exactly in evaluation mode and in
/// distribution in training mode.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class TransformerAttentionTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.0)]
    public void WrittenOutAttentionEqualsScaledDotProductAttention(double dropoutProbability)
    {
        const long Batch = 5, Heads = 2, Length = 7, HeadSize = 8;
        using var scope = NewDisposeScope();
        var generator = new Generator(3);
        var queries = randn([Batch, Heads, Length, HeadSize], generator: generator);
        var keys = randn([Batch, Heads, Length, HeadSize], generator: generator);
        var values = randn([Batch, Heads, Length, HeadSize], generator: generator);
        var allowed = Allowed(LeftPadded([7, 3, 1, 5, 6], Length), Length, causal: true);
        var weights = randn([Batch, Heads, Length, HeadSize], generator: generator);

        (Tensor Output, Tensor[] Gradients) Run(Func<Tensor, Tensor, Tensor, Tensor> attention)
        {
            var (q, k, v) = (queries.detach().requires_grad_(), keys.detach().requires_grad_(), values.detach().requires_grad_());
            manual_seed(17);
            var output = attention(q, k, v);
            output.mul(weights).sum().backward();
            return (output.detach(), [q.grad!, k.grad!, v.grad!]);
        }

        var expected = Run((q, k, v) => nn.functional.scaled_dot_product_attention(q, k, v, allowed, dropoutProbability, false));
        var actual = Run((q, k, v) => TransformerBlock.Attention(q, k, v, allowed, dropoutProbability));

        Assert.True(actual.Output.allclose(expected.Output, rtol: 1e-5, atol: 1e-6), "outputs differ");
        for (int i = 0; i < 3; i++)
        {
            Assert.True(actual.Gradients[i].allclose(expected.Gradients[i], rtol: 1e-5, atol: 1e-5), $"gradient {i} differs");
        }
        if (dropoutProbability > 0)
        {
            // Dropout really ran: some weights were dropped, so the output differs from the one without dropout.
            Assert.False(actual.Output.allclose(nn.functional.scaled_dot_product_attention(queries, keys, values, allowed, 0.0, false), rtol: 1e-3, atol: 1e-4));
        }
    }

    /// <summary>
    /// <see cref="TransformerBlock.LastPosition"/> reads every key and value but computes one query row: its output is the
    /// last column of the whole pass, for both normalisation forms, over left-padded rows with a causal or a full mask.
    /// </summary>
    [Theory]
    [InlineData(TransformerBlockForm.SasRec, true)]
    [InlineData(TransformerBlockForm.PostNorm, false)]
    public void LastPositionIsTheLastColumnOfTheWholePass(TransformerBlockForm form, bool causal)
    {
        const long Batch = 4, Length = 6, Hidden = 8;
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var block = new TransformerBlock("block", form, (int)Hidden, 2, 16, 0.1, 1e-8);
        block.eval();
        using var noGrad = no_grad();
        var x = randn([Batch, Length, Hidden], generator: new Generator(9));
        var allowed = Allowed(LeftPadded([6, 2, 1, 4], Length), Length, causal);

        var whole = block.call(x, allowed).select(1, Length - 1);
        var last = block.LastPosition(x, allowed.narrow(2, Length - 1, 1));

        Assert.Equal(new long[] { Batch, 1, Hidden }, last.shape);
        Assert.True(last.squeeze(1).allclose(whole, rtol: 1e-5, atol: 1e-6), $"largest difference {(last.squeeze(1) - whole).abs().max().item<float>():G3}");
        // The mask row matters: letting the last query see only itself gives another output.
        var selfOnly = eye(Length, dtype: ScalarType.Bool).narrow(0, Length - 1, 1).unsqueeze(0).unsqueeze(0).expand(Batch, 1, 1, Length);
        Assert.False(block.LastPosition(x, selfOnly).squeeze(1).narrow(0, 0, 1).allclose(whole.narrow(0, 0, 1), rtol: 1e-3, atol: 1e-4));
    }

    /// <summary>
    /// In training mode <see cref="TransformerBlock.LastPosition"/> draws its own dropout masks, so it can only match the
    /// whole pass in distribution: over 4,000 copies of one left-padded sequence (seeded, so the check is repeatable),
    /// each output coordinate's mean agrees within five standard errors and its spread within 10 % (about nine standard
    /// errors of a spread at this size). Skipping the attention weights' dropout on the last-position path fails it.
    /// </summary>
    [Theory]
    [InlineData(TransformerBlockForm.SasRec, true)]
    [InlineData(TransformerBlockForm.PostNorm, false)]
    public void LastPositionFollowsTheWholePassInTraining(TransformerBlockForm form, bool causal)
    {
        const long Copies = 4000, Length = 5, Hidden = 8;
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var block = new TransformerBlock("block", form, (int)Hidden, 2, 16, 0.3, 1e-8);
        block.train();
        using var noGrad = no_grad();
        var x = randn([1, Length, Hidden], generator: new Generator(11)).expand(Copies, Length, Hidden).contiguous();
        // One padding column on the left, then four real items.
        var allowed = Allowed(LeftPadded([Length - 1], Length).expand(Copies, Length), Length, causal);

        manual_seed(21);
        var whole = block.call(x, allowed).select(1, Length - 1);
        manual_seed(22);
        var last = block.LastPosition(x, allowed.narrow(2, Length - 1, 1)).squeeze(1);

        var (wholeMean, lastMean) = (whole.mean([0]), last.mean([0]));
        var (wholeSpread, lastSpread) = (whole.std(0), last.std(0));
        using var copies = ((double)Copies).ToScalar();
        var standardError = TensorArithmetic.Plus(TensorArithmetic.Square(wholeSpread), TensorArithmetic.Square(lastSpread)).div(copies).sqrt();
        using var five = 5.0.ToScalar();
        Assert.True(wholeSpread.min().item<float>() > 1e-3, "dropout did not act on the whole pass");
        Assert.True((wholeMean - lastMean).abs().le(standardError.mul(five)).all().item<bool>(),
            $"means differ: largest gap {(wholeMean - lastMean).abs().max().item<float>():G3}");
        var spreadRatio = lastSpread.div(wholeSpread);
        using var lowest = 0.9.ToScalar();
        using var highest = 1.1.ToScalar();
        Assert.True(spreadRatio.ge(lowest).logical_and(spreadRatio.le(highest)).all().item<bool>(),
            $"spreads differ: ratios {string.Join(", ", spreadRatio.data<float>().ToArray().Select(r => r.ToString("F3")))}");
    }

    /// <summary>[rows, length] bool: true at the real positions of rows of the given lengths, left-padded.</summary>
    private static Tensor LeftPadded(long[] lengths, long length)
    {
        using var width = length.ToScalar();
        return TensorArithmetic.Arange(width, ScalarType.Int64, device: null).unsqueeze(0).ge(TensorArithmetic.Plus(tensor(lengths).neg(), width).unsqueeze(1));
    }

    /// <summary>
    /// The block's attention mask [rows, 1, length, length] for real positions [rows, length]: real keys (at or before
    /// the query when <paramref name="causal"/>), and every query itself, as the backbones build it.
    /// </summary>
    private static Tensor Allowed(Tensor real, long length, bool causal)
    {
        var keys = real.unsqueeze(1).unsqueeze(1);
        return (causal ? ones(length, length, dtype: ScalarType.Bool).tril().logical_and(keys) : keys).logical_or(eye(length, dtype: ScalarType.Bool));
    }
}
