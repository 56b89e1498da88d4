using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// What a model bundle does: a model rebuilt from its options (through their JSON), its frozen tables
/// (<see cref="SequentialRecommender.WithFrozenTables"/>) and its weights, with neither the dataset nor the embedding files,
/// scores exactly as the original.
/// </summary>
public sealed class ModelRebuildTests
{
    [Theory]
    [InlineData("sasrec")]
    [InlineData("said")]
    [InlineData("llminit")]
    [InlineData("llm2x")]
    [InlineData("llm-cfsr")]
    [InlineData("llm-cfsr-no-cft")]
    [InlineData("llm-esr")]
    [InlineData("llmemb")]
    public void AModelRebuiltFromOptionsFrozenTablesAndWeightsScoresAsTheOriginal(string name)
    {
        using var services = TestServices.Build(("LlmCfsr:Models:llm-cfsr:CrossAttentionHeads", "2"));
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var original = Fixtures.Create(services, name);
        original.eval();
        var options = catalog.RecommenderModel(name).Options;
        var saved = RecommenderModels.Serialize(options);
        var restored = RecommenderModels.Deserialize(catalog, name, saved);
        Assert.Equal(options, restored);

        using var inputs = original.WithFrozenTables(new RecommenderModelInputs { ItemCount = Fixtures.Small.ItemCount, Backbone = Fixtures.TinyBackbone });
        manual_seed(99);
        using var rebuilt = RecommenderModels.Create(catalog, name, inputs, restored);
        rebuilt.load_state_dict(original.state_dict());
        rebuilt.eval();
        Assert.Equal(original.state_dict().Keys.Order(), rebuilt.state_dict().Keys.Order());
        using var histories = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } });
        using var scope = NewDisposeScope();
        Assert.True(rebuilt.ScoreAll(histories).allclose(original.ScoreAll(histories), rtol: 0, atol: 1e-6), $"{name}: the rebuilt model scores differently.");
    }

    [Theory]
    [InlineData("sasrec", "backbone,item_embeddings")]
    [InlineData("llm2x", "backbone")]
    [InlineData("llmemb", "backbone,semantic_adapter")]
    public void SingleViewModelsKeepTheirWeightNames(string name, string prefixes)
    {
        // Saved runs hold these names: the single-view base must register the backbone as "backbone", frozen tables not at all.
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, name);
        Assert.Equal(prefixes.Split(','), model.state_dict().Keys.Select(key => key.Split('.')[0]).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void OptionsOfAnotherModelAreRefusedByName()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var inputs = new RecommenderModelInputs { ItemCount = 5, Backbone = new SequenceEncoderSettings { HiddenSize = 8, MaxLength = 6, Layers = 1, Heads = 2 } };
        var error = Assert.Throws<ArgumentException>(() => RecommenderModels.Create(catalog, "sasrec", inputs, new LlmEsrOptions()));
        Assert.StartsWith("Model 'sasrec' is built from IdOnlyModelOptions, not LlmEsrOptions.", error.Message);
        var invalid = Assert.Throws<ArgumentException>(() => RecommenderModels.Create(catalog, "llm-esr", inputs, new LlmEsrOptions { Neighbours = 0 }));
        Assert.StartsWith("LlmCfsr:Models:llm-esr:Neighbours must be positive (got 0).", invalid.Message);
    }
}
