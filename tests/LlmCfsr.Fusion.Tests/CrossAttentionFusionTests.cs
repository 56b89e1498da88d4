using LlmCfsr.Fusion;
using LlmCfsr.Fusion.CrossAttention;
using LlmCfsr.Tensors;
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

    private static void SetIdentityProjections(CrossAttentionFusion fusion, int hidden)
    {
        using (no_grad())
        {
            foreach (var (name, parameter) in fusion.named_parameters())
            {
                if (name.EndsWith("weight") && parameter.dim() == 2) parameter.copy_(eye(hidden));
                else if (name.EndsWith("bias") && !name.Contains("norm")) parameter.zero_();
            }
        }
    }

    [Fact]
    public void SemanticQueriesOverCollaborativeKeysGiveTheNewCollaborativeSequence()
    {
        // The paper (§2.4.3): Ŝ_co = softmax(S_se W_Q (S_co W_K)ᵀ / √d) S_co W_V, no residual, no LayerNorm. With
        // identity projections and a collaborative sequence that is the same vector c at every position, attention
        // returns c whatever the weights: the new collaborative sequence is c, and the new semantic sequence is the
        // attention of the collaborative queries over the semantic keys/values (a convex mix of the semantic rows).
        using var scope = NewDisposeScope();
        var fusion = CreateFusion(hidden: 4, heads: 1);
        SetIdentityProjections(fusion, 4);
        var semantic = randn(1, 3, 4);
        var collaborative = tensor(new float[] { 1, -2, 0.5f, 3 }).expand(1, 3, 4).contiguous();
        var mask = ones(1, 3, ScalarType.Bool);

        var fused = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: false);

        Assert.True(fused.Collaborative!.allclose(collaborative, rtol: 1e-5, atol: 1e-6));
        using var scale = 2.0.ToScalar();
        var weights = softmax(collaborative.matmul(semantic.transpose(1, 2)).div(scale), -1);
        Assert.True(fused.Semantic!.allclose(weights.matmul(semantic), rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void ResidualVariantKeepsEachViewWithLayerNorm()
    {
        // Our variant: the semantic branch is LayerNorm(S_se + attention of semantic queries over S_co); with a
        // constant collaborative sequence c that is LayerNorm(S_se + c).
        using var scope = NewDisposeScope();
        manual_seed(7);
        var fusion = new CrossAttentionFusion(new FusionSettings { HiddenSize = 4, Heads = 1, Dropout = 0.1, ResidualNorm = true });
        fusion.eval();
        SetIdentityProjections(fusion, 4);
        var semantic = randn(1, 3, 4);
        var collaborative = tensor(new float[] { 1, -2, 0.5f, 3 }).expand(1, 3, 4).contiguous();

        var fused = fusion.FuseSequences(new DualView(semantic, collaborative), ones(1, 3, ScalarType.Bool), causal: true);

        var expected = nn.functional.layer_norm(TensorArithmetic.Plus(semantic, collaborative), [4], eps: 1e-8);
        Assert.True(fused.Semantic!.allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void KeptOwnSequenceVariantAddsEachViewBackToThePapersExchange()
    {
        // Ŝ_co = S_co + attention(S_se → S_co) and Ŝ_se = S_se + attention(S_co → S_se): the same weights as the
        // paper's form give exactly its outputs plus the inputs, at real positions; padding stays zero.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var paper = new CrossAttentionFusion(new FusionSettings { HiddenSize = 8, Heads = 2 });
        var kept = new CrossAttentionFusion(new FusionSettings { HiddenSize = 8, Heads = 2, KeepOwnSequence = true });
        kept.load_state_dict(paper.state_dict());
        paper.eval();
        kept.eval();
        var semantic = randn(2, 5, 8);
        var collaborative = randn(2, 5, 8);
        var mask = LeftPaddingMask(5, 3);

        var exchanged = paper.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);
        var fused = kept.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);

        var keep = mask.to(ScalarType.Float32).unsqueeze(-1);
        Assert.True(fused.Semantic!.allclose(TensorArithmetic.Plus(exchanged.Semantic!, semantic.mul(keep)), rtol: 1e-5, atol: 1e-6));
        Assert.True(fused.Collaborative!.allclose(TensorArithmetic.Plus(exchanged.Collaborative!, collaborative.mul(keep)), rtol: 1e-5, atol: 1e-6));
        Assert.Equal(0, fused.Collaborative!.narrow(1, 0, 2)[1].abs().sum().item<float>());
        Assert.True(kept.KeepOwnSequence);
        Assert.False(paper.KeepOwnSequence);
    }

    [Fact]
    public void ClosedReadOutGatesLeaveTheViewsSideBySideAndLearnToOpen()
    {
        // Gates at 0: Ŝ = S exactly (the views side by side), yet the loss reaches each gate through the read-out it
        // scales, d loss / d g = Σ read-out · upstream, so training can open it; the attention weights get no gradient yet.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var gated = new CrossAttentionFusion(new FusionSettings { HiddenSize = 8, Heads = 2, KeepOwnSequence = true, GateReadout = true });
        gated.eval();
        var semantic = randn(2, 5, 8);
        var collaborative = randn(2, 5, 8);
        var mask = LeftPaddingMask(5, 3);
        var keep = mask.to(ScalarType.Float32).unsqueeze(-1);

        var fused = gated.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);
        Assert.True(fused.Semantic!.eq(semantic.mul(keep)).all().item<bool>());
        Assert.True(fused.Collaborative!.eq(collaborative.mul(keep)).all().item<bool>());

        TensorArithmetic.Plus(fused.Semantic!.sum(), TensorArithmetic.Square(fused.Collaborative!).sum()).backward();
        var gradients = gated.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad);
        Assert.True(gradients["semantic_readout_gate"]!.abs().item<float>() > 1e-4);
        Assert.True(gradients["collaborative_readout_gate"]!.abs().item<float>() > 1e-4);
        Assert.All(gradients.Where(g => !g.Key.EndsWith("_gate", StringComparison.Ordinal)), g => Assert.True(g.Value is null || g.Value.abs().sum().item<float>() == 0));
        Assert.True(gated.GateReadout);
    }

    [Fact]
    public void TheReadOutGateNeedsTheKeptOwnSequence()
    {
        var error = Assert.Throws<ArgumentException>(() => new CrossAttentionFusion(new FusionSettings { HiddenSize = 8, Heads = 2, GateReadout = true }));
        Assert.Contains("kept-own-sequence", error.Message);
    }

    [Fact]
    public void TheTwoResidualFormsAreExclusive()
    {
        var error = Assert.Throws<ArgumentException>(() => new CrossAttentionFusion(new FusionSettings { HiddenSize = 8, Heads = 2, ResidualNorm = true, KeepOwnSequence = true }));
        Assert.Contains("not both", error.Message);
    }

    [Fact]
    public void PaperFormHasNoDropoutAndBiasFreeProjections()
    {
        using var scope = NewDisposeScope();
        var fusion = CreateFusion();
        fusion.train();
        var semantic = randn(2, 5, 8);
        var collaborative = randn(2, 5, 8);
        var mask = LeftPaddingMask(5, 3);
        var first = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);
        var second = fusion.FuseSequences(new DualView(semantic, collaborative), mask, causal: true);
        Assert.True(first.Semantic!.allclose(second.Semantic!) && first.Collaborative!.allclose(second.Collaborative!));
        var names = fusion.named_parameters().Select(p => p.name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[]
        {
            "collaborative_queries.key.weight", "collaborative_queries.output.bias", "collaborative_queries.output.weight",
            "collaborative_queries.query.weight", "collaborative_queries.value.weight",
            "semantic_queries.key.weight", "semantic_queries.output.bias", "semantic_queries.output.weight",
            "semantic_queries.query.weight", "semantic_queries.value.weight",
        }, names);
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
        // The first semantic query reads the changed last collaborative key/value into the new collaborative sequence.
        Assert.False(before.Collaborative![.., 0].allclose(after.Collaborative![.., 0], atol: 1e-6));
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
        using var large = 100.ToScalar();
        noisySemantic[0, ..3] = randn(3, 8).mul(large);
        noisyCollaborative[0, ..3] = randn(3, 8).mul(large);
        noisyCollaborative[1, 0] = randn(8).mul(large);
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
        TensorArithmetic.Plus(TensorArithmetic.Square(fused.Semantic!).sum(), fused.Collaborative!.sum()).backward();
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
