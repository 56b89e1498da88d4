using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// Each model reads the item embeddings of the kind its method uses, from its own option, and refuses a cache whose
/// recorded provenance (kind, fine-tuning objective) is another's before training, in one line naming file, fields and option.
/// </summary>
public sealed class ItemEmbeddingKindTests
{
    /// <summary>The provenances a cache can record: raw, CFT, SCFT, SAID stage 1, and fine-tuned with an unknown objective (caches before the field).</summary>
    private static ItemEmbeddingCache Cache(string provenance) => provenance switch
    {
        "raw" => Fixtures.ItemEmbeddingsFor(ModelInput.RawSemanticEmbeddings, Fixtures.Small),
        "cft" => Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Fixtures.Small),
        "scft" => Fixtures.ItemEmbeddingsFor(ModelInput.ScftEmbeddings, Fixtures.Small),
        "said" => Fixtures.ItemEmbeddingsFor(ModelInput.SaidEmbeddings, Fixtures.Small),
        _ => Fixtures.RandomItemEmbeddings(Fixtures.Small, fineTuned: true),
    };

    [Theory]
    [InlineData("llm-cfsr", "SemanticEmbeddingsPath", "cft", true)]
    [InlineData("llm-cfsr", "SemanticEmbeddingsPath", "unknown", true)]
    [InlineData("llm-cfsr", "SemanticEmbeddingsPath", "raw", false)]
    [InlineData("llm-cfsr", "SemanticEmbeddingsPath", "scft", false)]
    [InlineData("llm-cfsr", "SemanticEmbeddingsPath", "said", false)]
    [InlineData("llm-cfsr-no-cft", "RawSemanticEmbeddingsPath", "raw", true)]
    [InlineData("llm-cfsr-no-cft", "RawSemanticEmbeddingsPath", "cft", false)]
    [InlineData("llm-esr", "RawSemanticEmbeddingsPath", "raw", true)]
    [InlineData("llm-esr", "RawSemanticEmbeddingsPath", "unknown", false)]
    [InlineData("llm2x", "RawSemanticEmbeddingsPath", "raw", true)]
    [InlineData("llm2x", "RawSemanticEmbeddingsPath", "cft", false)]
    [InlineData("llminit", "RawSemanticEmbeddingsPath", "raw", true)]
    [InlineData("llminit", "RawSemanticEmbeddingsPath", "said", false)]
    [InlineData("llmemb", "ScftEmbeddingsPath", "scft", true)]
    [InlineData("llmemb", "ScftEmbeddingsPath", "unknown", true)]
    [InlineData("llmemb", "ScftEmbeddingsPath", "cft", false)]
    [InlineData("llmemb", "ScftEmbeddingsPath", "raw", false)]
    [InlineData("said", "SaidEmbeddingsPath", "said", true)]
    [InlineData("said", "SaidEmbeddingsPath", "unknown", false)]
    [InlineData("said", "SaidEmbeddingsPath", "raw", false)]
    public void EachModelTakesOnlyTheKindOfItsMethodFromItsOption(string model, string option, string provenance, bool accepted)
    {
        using var services = TestServices.Build();
        var modelOptions = services.GetRequiredService<ComponentCatalog>().RecommenderModel(model).Options;
        var path = Path.Combine(Fixtures.TempFolder(), $"{provenance}.safetensors");
        Cache(provenance).Save(path);
        var input = ModelInputRequirements.Options.Single(entry => entry.Value == option).Key;
        Assert.True(modelOptions.Inputs.HasFlag(input), $"{model} declares {input}");
        var options = new TrainingOptions().WithPathOf(input, path);
        void Validate() => ModelInputRequirements.Validate(model, modelOptions, options, provided: ModelInput.TeacherRun | ModelInput.UserEmbeddings);

        if (accepted)
        {
            Validate();
            return;
        }
        var error = Assert.Throws<InvalidDataException>(Validate);
        Assert.StartsWith($"{path}: metadata field 'kind' is '{Cache(provenance).Fingerprint.Kind}' (objective '{Cache(provenance).Fingerprint.Objective ?? "unknown"}'", error.Message);
        Assert.Contains($"but TrainingOptions.{option} takes only", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void LlmEmbRefusesTheCftEmbeddingsOfLlmCfsrByName()
    {
        using var services = TestServices.Build();
        var llmemb = services.GetRequiredService<ComponentCatalog>().RecommenderModel("llmemb").Options;
        var cft = Path.Combine(Fixtures.TempFolder(), "cft.safetensors");
        Cache("cft").Save(cft);
        var error = Assert.Throws<InvalidDataException>(() =>
            ModelInputRequirements.Validate("llmemb", llmemb, new TrainingOptions { ScftEmbeddingsPath = cft }, provided: ModelInput.TeacherRun));
        Assert.Equal($"{cft}: metadata field 'kind' is 'fine-tuned' (objective 'cft', adapter 'random-adapter') but TrainingOptions.ScftEmbeddingsPath takes only LLM item "
            + "embeddings of an encoder fine-tuned with SCFT; make them with 'llmcfsr finetune --objective scft' and 'llmcfsr embed --adapter'.", error.Message);
        // Given as --embeddings, the CFT cache is not what llmemb reads: it still needs its own.
        var missing = Assert.Throws<ArgumentException>(() =>
            ModelInputRequirements.Validate("llmemb", llmemb, new TrainingOptions { SemanticEmbeddingsPath = cft }, provided: ModelInput.TeacherRun));
        Assert.Contains("set TrainingOptions.ScftEmbeddingsPath.", missing.Message);
    }

    [Theory]
    [InlineData("cft")]
    [InlineData("scft")]
    [InlineData("said")]
    [InlineData("raw")]
    [InlineData("unknown")]
    public void TheObjectiveRoundTripsThroughTheCacheFile(string provenance)
    {
        var path = Path.Combine(Fixtures.TempFolder(), "items.safetensors");
        var cache = Cache(provenance);
        cache.Save(path);
        var read = ItemEmbeddingCache.ReadInfo(path).Fingerprint;
        Assert.Equal(cache.Fingerprint.Objective, read.Objective);
        Assert.Equal(provenance == "unknown" ? null : provenance == "raw" ? ItemEmbeddingFingerprint.NoObjective : provenance, read.Objective);
        Assert.Equal(cache.Fingerprint, read);
    }
}
