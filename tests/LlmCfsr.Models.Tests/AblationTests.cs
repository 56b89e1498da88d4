using LlmCfsr.Embeddings;
using LlmCfsr.Representations;
using LlmCfsr.Tensors;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>Each ablation switch really removes its component: its parameters are gone and the outputs change accordingly.</summary>
public sealed class AblationTests
{
    private static Dictionary<string, long> Parameters(nn.Module model)
        => model.named_parameters().ToDictionary(p => p.name, p => p.parameter.numel());

    private static long Count(Dictionary<string, long> parameters, string prefix)
        => parameters.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(p => p.Value);

    // A new tensor per use: a static one would belong to the dispose scope of the first test that touches it.
    private static Tensor Items => tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } });

    [Fact]
    public void LlmCfsrHasBothViewsCrossAttentionAndOneSharedEncoder()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm-cfsr");
        var parameters = Parameters(model);
        int d = Fixtures.TinyBackbone.HiddenSize, llm = 24;
        // Adapter: Linear(24 -> 12) and Linear(12 -> 8), with biases.
        Assert.Equal(llm * (llm / 2) + llm / 2 + (llm / 2) * d + d, Count(parameters, "semantic_adapter."));
        Assert.Equal((Fixtures.Small.ItemCount + 1) * d, parameters["collaborative_embeddings.weight"]);
        // Two directions of cross-attention, each with bias-free W_Q, W_K, W_V (d x d) and an output map d x d + bias.
        Assert.Equal(2 * (4 * d * d + d), Count(parameters, "fusion."));
        Assert.True(Count(parameters, "encoder.") > 0);
        Assert.Equal(0, Count(parameters, "collaborative_encoder."));
        Assert.Equal(new long[] { Fixtures.Small.ItemCount + 1, llm }, ((DualViewRecommender)model).SemanticTableOn(CPU)!.shape);
        // The frozen table is neither trained nor part of the saved weights.
        Assert.Equal(parameters.Values.Sum(), model.state_dict().Values.Sum(t => t.numel()));
        using var scope = NewDisposeScope();
        model.eval();
        Assert.Equal(new long[] { 2, 6, 2 * d }, model.EncodeSequences(Items).shape);
    }

    [Fact]
    public void TheCollaborativeViewStartsFromThePlainPcaOfTheSemanticEmbeddings()
    {
        using var services = TestServices.Build();
        var embeddings = Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Fixtures.Small);
        using var model = Fixtures.Create(services, "llm-cfsr", semantic: embeddings);
        using var scope = NewDisposeScope();
        var table = model.get_parameter("collaborative_embeddings.weight")!.detach();
        var pca = PrincipalComponents.Reduce(embeddings.ToTensor(), Fixtures.TinyBackbone.HiddenSize);
        Assert.True(table.narrow(0, 1, Fixtures.Small.ItemCount).allclose(pca, 1e-4, 1e-5));
        Assert.Equal(0f, table[0].abs().sum().item<float>());
    }

    [Fact]
    public void TheXavierRmsVariantRescalesThePcaByOneGlobalFactor()
    {
        using var services = TestServices.Build(("LlmCfsr:Models:PcaScaling", "XavierRms"));
        var embeddings = Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Fixtures.Small);
        using var model = Fixtures.Create(services, "llm-cfsr", semantic: embeddings);
        using var scope = NewDisposeScope();
        var rows = model.get_parameter("collaborative_embeddings.weight")!.detach().narrow(0, 1, Fixtures.Small.ItemCount);
        var pca = PrincipalComponents.Reduce(embeddings.ToTensor(), Fixtures.TinyBackbone.HiddenSize);
        double expectedRms = Math.Sqrt(2.0 / (Fixtures.Small.ItemCount + 1 + Fixtures.TinyBackbone.HiddenSize));
        Assert.Equal(expectedRms, TensorArithmetic.Square(rows).mean().sqrt().item<float>(), 4);
        using var rescale = (expectedRms / TensorArithmetic.Square(pca).mean().sqrt().item<float>()).ToScalar();
        Assert.True(rows.allclose(pca.mul(rescale), 1e-4, 1e-5));
    }

    [Fact]
    public void WithoutTheSemanticViewThereIsNoAdapterNoTableAndNoFusionParameter()
    {
        using var services = TestServices.Build();
        using var full = Fixtures.Create(services, "llm-cfsr");
        using var model = Fixtures.Create(services, "llm-cfsr-no-semantic");
        var parameters = Parameters(model);
        Assert.Equal(0, Count(parameters, "semantic_adapter."));
        Assert.Equal(0, Count(parameters, "fusion."));
        Assert.Null(((DualViewRecommender)model).SemanticTableOn(CPU));
        var fullParameters = Parameters(full);
        Assert.Equal(fullParameters.Values.Sum() - Count(fullParameters, "semantic_adapter.") - Count(fullParameters, "fusion."), parameters.Values.Sum());
        var dual = (DualViewRecommender)model;
        Assert.False(dual.HasSemanticView);
        using var scope = NewDisposeScope();
        model.eval();
        Assert.Equal(new long[] { 2, 6, Fixtures.TinyBackbone.HiddenSize }, model.EncodeSequences(Items).shape);
        Assert.Null(dual.ItemViews(Items).Semantic);
    }

    [Fact]
    public void WithoutTheCollaborativeViewThereIsNoIdTableAndScoresComeFromTheAdapterAlone()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm-cfsr-no-collaborative");
        var parameters = Parameters(model);
        Assert.DoesNotContain("collaborative_embeddings.weight", parameters.Keys);
        Assert.Equal(0, Count(parameters, "fusion."));
        Assert.True(Count(parameters, "semantic_adapter.") > 0);
        using var scope = NewDisposeScope();
        model.eval();
        var states = model.EncodeHistories(Items);
        Assert.Equal(new long[] { 2, Fixtures.TinyBackbone.HiddenSize }, states.shape);
        // Single view: the fused score is the plain dot product with the adapted embeddings.
        using var end = (Fixtures.Small.ItemCount + 1).ToScalar();
        var all = model.ItemRepresentations(TensorArithmetic.Arange(end, ScalarType.Int64, device: null));
        Assert.True(model.ScoreAll(Items).allclose(states.matmul(all.t()), 1e-5, 1e-5));
    }

    [Fact]
    public void WithoutCrossAttentionTheViewsMeetOnlyAtTheScore()
    {
        using var services = TestServices.Build();
        using var full = Fixtures.Create(services, "llm-cfsr");
        using var model = Fixtures.Create(services, "llm-cfsr-no-cross-attention");
        var parameters = Parameters(model);
        var fullParameters = Parameters(full);
        Assert.Equal(0, Count(parameters, "fusion."));
        Assert.Equal(fullParameters.Values.Sum() - Count(fullParameters, "fusion."), parameters.Values.Sum());
        Assert.Equal("concat", ((DualViewRecommender)model).Fusion.Name);
        using var scope = NewDisposeScope();
        model.eval();
        // The semantic half of the state does not depend on the collaborative table: zeroing it changes only the other half.
        var before = model.EncodeSequences(Items);
        using (no_grad())
        {
            model.get_parameter("collaborative_embeddings.weight")!.zero_();
        }
        var after = model.EncodeSequences(Items);
        int d = Fixtures.TinyBackbone.HiddenSize;
        Assert.True(before.narrow(-1, 0, d).allclose(after.narrow(-1, 0, d), 1e-6, 1e-6));
        Assert.False(before.narrow(-1, d, d).allclose(after.narrow(-1, d, d), 1e-6, 1e-6));
    }

    [Fact]
    public void WithCrossAttentionEachViewReadsTheOtherButNeverLaterPositions()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm-cfsr");
        using var scope = NewDisposeScope();
        model.eval();
        int d = Fixtures.TinyBackbone.HiddenSize;
        var before = model.EncodeSequences(Items);
        var changedLast = Items.clone();
        changedLast[0, 5] = tensor(20L);
        var after = model.EncodeSequences(changedLast);
        // Causal backbone and causal fusion: positions before the change are unaffected.
        Assert.True(before[0].narrow(0, 0, 5).allclose(after[0].narrow(0, 0, 5), 1e-5, 1e-6));
        using (no_grad())
        {
            model.get_parameter("collaborative_embeddings.weight")!.zero_();
        }
        // Cross-attention lets the semantic half depend on the collaborative view.
        Assert.False(before.narrow(-1, 0, d).allclose(model.EncodeSequences(Items).narrow(-1, 0, d), 1e-5, 1e-6));
    }

    [Fact]
    public void WithoutSharingEachViewHasItsOwnEncoderOfTheSameSize()
    {
        using var services = TestServices.Build();
        using var full = Fixtures.Create(services, "llm-cfsr");
        using var model = Fixtures.Create(services, "llm-cfsr-no-sharing");
        var parameters = Parameters(model);
        long encoder = Count(parameters, "encoder.");
        Assert.True(encoder > 0);
        Assert.Equal(encoder, Count(parameters, "collaborative_encoder."));
        Assert.Equal(Parameters(full).Values.Sum() + encoder, parameters.Values.Sum());
    }

    [Fact]
    public void WithoutCftTheSemanticViewReadsTheRawEmbeddings()
    {
        using var services = TestServices.Build();
        var fineTuned = Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Fixtures.Small, seed: 1);
        var raw = Fixtures.RandomItemEmbeddings(Fixtures.Small, seed: 3, encoder: "raw");
        using var full = Fixtures.Create(services, "llm-cfsr", semantic: fineTuned, raw: raw);
        using var model = Fixtures.Create(services, "llm-cfsr-no-cft", semantic: fineTuned, raw: raw);
        Assert.Equal(Parameters(full).Values.Sum(), Parameters(model).Values.Sum());
        using var scope = NewDisposeScope();
        Assert.True(((DualViewRecommender)model).SemanticTableOn(CPU)!.allclose(raw.ToTensor(withPaddingRow: true), 0, 0));
        Assert.True(((DualViewRecommender)full).SemanticTableOn(CPU)!.allclose(fineTuned.ToTensor(withPaddingRow: true), 0, 0));
        // Identity check: with the same values for both, the two models are the same function (same seed, same init).
        using var same = Fixtures.Create(services, "llm-cfsr-no-cft", semantic: fineTuned, raw: Fixtures.RandomItemEmbeddings(Fixtures.Small, seed: 1));
        full.eval();
        same.eval();
        model.eval();
        Assert.True(full.ScoreAll(Items).allclose(same.ScoreAll(Items), 1e-6, 1e-6));
        Assert.False(full.ScoreAll(Items).allclose(model.ScoreAll(Items), 1e-3, 1e-3));
    }

    [Fact]
    public void FrozenTablesFollowTheModelWhenItMoves()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm-cfsr");
        model.to(ScalarType.Float64);
        using var scope = NewDisposeScope();
        model.eval();
        Assert.Equal(ScalarType.Float64, model.ScoreAll(Items).dtype);
        Assert.Equal(ScalarType.Float64, ((DualViewRecommender)model).SemanticTableOn(CPU)!.dtype);
    }

    [Fact]
    public void MaskedPositionsAreHiddenFromTheFusionOfBidirectionalModels()
    {
        using var services = TestServices.Build(("LlmCfsr:Models:Backbone", "bert4rec"));
        using var model = Fixtures.Create(services, "llm-cfsr");
        using var scope = NewDisposeScope();
        model.eval();
        var masked = tensor(new[,] { { false, false, false, true, false, false }, { false, false, false, false, false, true } });
        var other = Items.clone();
        // What sits under a masked position must not matter: the backbone replaces it and the fusion does not read it.
        other[0, 3] = tensor(33L);
        other[1, 5] = tensor(34L);
        Assert.True(model.EncodeSequences(Items, masked).allclose(model.EncodeSequences(other, masked), 1e-5, 1e-6));
    }
}
