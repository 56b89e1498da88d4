using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Sequences;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Tests.Models;

public sealed class BackboneRegistrationTests
{
    [Fact]
    public void EachPluginRegistersItsBackboneAndItsIdOnlyModel()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        Assert.Equal(new[] { "bert4rec", "gru4rec", "sasrec" }, catalog.Names(ComponentKind.SequenceEncoder));
        Assert.Equal(new[] { "bert4rec", "gru4rec", "sasrec" }, catalog.Names(ComponentKind.Model));
        Assert.Equal(SequenceDirection.Bidirectional, catalog.SequenceEncoder("bert4rec").Direction);
        Assert.Equal(SequenceDirection.Causal, catalog.SequenceEncoder("GRU4Rec").Direction);
        Assert.Equal("sasrec", catalog.RecommenderModel("sasrec").Name);
        var unknown = Assert.Throws<KeyNotFoundException>(() => catalog.RecommenderModel("nope"));
        Assert.Contains("bert4rec, gru4rec, sasrec", unknown.Message);
    }

    [Fact]
    public void PluginOptionsBindFromConfigurationAndAreValidated()
    {
        using var services = TestServices.Build(
            ("LlmCfsr:Backbones:SasRec:FeedForwardMultiplier", "0"),
            ("LlmCfsr:Backbones:Bert4Rec:LayerNormEpsilon", "-1"),
            ("LlmCfsr:Backbones:Gru4Rec:RecurrentSize", "-2"));
        var error = Assert.Throws<OptionsValidationException>(() => services.ValidateLlmCfsrOptions());
        Assert.Contains("LlmCfsr:Backbones:SasRec:FeedForwardMultiplier must be positive (got 0)", error.Message);
        Assert.Contains("LlmCfsr:Backbones:Bert4Rec:LayerNormEpsilon must be positive (got -1)", error.Message);
        Assert.Contains("LlmCfsr:Backbones:Gru4Rec:RecurrentSize must be 0", error.Message);
    }

    [Fact]
    public void FactoriesRejectInvalidSettings()
    {
        using var services = TestServices.Build();
        var factory = services.GetRequiredService<ComponentCatalog>().SequenceEncoder("sasrec");
        var error = Assert.Throws<ArgumentException>(() => factory.Create(new SequenceEncoderSettings { HiddenSize = 10, Heads = 3 }));
        Assert.Contains("Heads", error.Message);
    }
}
