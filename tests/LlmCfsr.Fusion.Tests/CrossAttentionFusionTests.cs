using LlmCfsr.Fusion;
using LlmCfsr.Fusion.CrossAttention;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.Tests;

public class CrossAttentionFusionTests
{
    private static CrossAttentionFusion CreateFusion(int hidden = 8, int heads = 2)
    {
        manual_seed(7);
        var fusion = new CrossAttentionFusion(new FusionSettings { HiddenSize = hidden, Heads = heads, Dropout = 0.1 });
        fusion.eval();
        return fusion;
    }

    private static Tensor LeftPaddingMask(params int[] lengths)
    {
        const int length = 5;
        var mask = zeros(lengths.Length, length, ScalarType.Bool);
        for (int row = 0; row < lengths.Length; row++)
        {
            mask[row, TensorIndex.Slice(length - lengths[row])] = tensor(true);
        }
        return mask;
    }

    [Fact]
    public void ConstantContextGivesNormalisedSumOfQueryAndContext()
    {
        // With identity projections and zero biases, attention over a context that is the same vector c at every
        // position returns c whatever the weights, so each output is LayerNorm(q + c).
        using var scope = NewDisposeScope();
        var fusion = CreateFusion(hidden: 4, heads: 1);
        using (no_grad())
        {
            foreach (var (name, parameter) in fusion.named_parameters())
            {
                if (name.EndsWith("weight") && parameter.dim() == 2) parameter.copy_(eye(4));
                else if (name.EndsWith("bias") && !name.Contains("norm")) parameter.zero_();
            }
        }
        var semantic = randn(1, 3, 4);
        var context = tensor(new float[] { 1, -2, 0.5f, 3 }).expand(1, 3, 4).contiguous();
        var mask = ones(1, 3, ScalarType.Bool);

        var fused = fusion.FuseSequences(new DualView(semantic, context), mask, causal: true);

        var expected = nn.functional.layer_norm(semantic + context, [4], eps: 1e-8);
        Assert.True(fused.Semantic!.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void CausalFusionNeverLooksAhead()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        var semantic = randn(2, 5, 8);
        var collaborative = randn(2, 5, 8);
        var mask = LeftPaddingMask(5, 3);
        var before = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);

        // Change the last two positions of both views.
        var semanticChanged = semantic.clone();
        var collaborativeChanged = collaborative.clone();
        semanticChanged[.., 3..] = randn(2, 2, 8);
        collaborativeChanged[.., 3..] = randn(2, 2, 8);
        var after = fusion.FuseSequences(new DualView(semanticChanged, collaborativeChanged), mask, causal: true);

        Assert.True(before.Semantic![.., ..3].allclose(after.Semantic![.., ..3], atol: 1e-6));
        Assert.True(before.Collaborative![.., ..3].allclose(after.Collaborative![.., ..3], atol: 1e-6));
        Assert.False(before.Semantic[.., 3..].allclose(after.Semantic[.., 3..], atol: 1e-6));
    }

    [Fact]
    public void BidirectionalFusionDoesLookAhead()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        var semantic = randn(1, 5, 8);
        var collaborative = randn(1, 5, 8);
        var mask = LeftPaddingMask(5);
        var before = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: false);
        var changed = collaborative.clone();
        changed[.., 4..] = randn(1, 1, 8);
        var after = fusion.FuseSequences(new DualView(semantic, changed), mask, causal: false);
        Assert.False(before.Semantic![.., 0].allclose(after.Semantic![.., 0], atol: 1e-6));
    }

    [Fact]
    public void PaddingNeitherLeaksNorSurvives()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        var semantic = randn(2, 5, 8);
        var collaborative = randn(2, 5, 8);
        var mask = LeftPaddingMask(2, 4);
        var before = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: false);

        var noisySemantic = semantic.clone();
        var noisyCollaborative = collaborative.clone();
        noisySemantic[0, ..3] = randn(3, 8) * 100;
        noisyCollaborative[0, ..3] = randn(3, 8) * 100;
        noisyCollaborative[1, 0] = randn(8) * 100;
        var after = fusion.FuseSequences(new DualView(noisySemantic, noisyCollaborative), mask, causal: false);

        Assert.True(before.Semantic!.allclose(after.Semantic!, atol: 1e-5));
        Assert.True(before.Collaborative!.allclose(after.Collaborative!, atol: 1e-5));
        Assert.Equal(0f, after.Semantic![0, ..3].abs().sum().item<float>());
        Assert.False(after.Semantic.isnan().any().item<bool>());
    }

    [Fact]
    public void MissingViewPassesThrough()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        var semantic = randn(1, 5, 8);
        var fused = fusion.FuseSequences(new DualView(semantic, null), LeftPaddingMask(5), causal: true);
        Assert.Same(semantic, fused.Semantic);
        Assert.Null(fused.Collaborative);
    }

    [Fact]
    public void EveryParameterReceivesAGradient()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        fusion.train();
        var fused = fusion.FuseSequences(new DualView(randn(2, 5, 8), randn(2, 5, 8)), LeftPaddingMask(5, 2), causal: true);
        (fused.Semantic!.square().sum() + fused.Collaborative!.sum()).backward();
        foreach (var (name, parameter) in fusion.named_parameters())
        {
            Assert.True(parameter.grad is not null && parameter.grad.abs().sum().item<float>() > 0, $"{name} got no gradient");
        }
    }

    [Fact]
    public void HeadsMustDivideHiddenSize()
    {
        var error = Assert.Throws<ArgumentException>(() => new CrossAttentionFusion(new FusionSettings { HiddenSize = 10, Heads = 3 }));
        Assert.Contains("divisible", error.Message);
    }
}
