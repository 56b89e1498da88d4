using LlmCfsr.DependencyInjection;
using LlmCfsr.Recommendation;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// What a bundle carries follows the model's declared inputs, not the paths a run's training options hold: LLM-ESR's
/// bundle holds its raw item table and leaves out the user embeddings only its training loss reads; LLMEmb, MELT and
/// CITIES leave out the teacher run they start from (LLMEmb keeps its SCFT table); an id-only run trained with every
/// input path given (as `compare` records them) holds no item table. Each scores as its run does.
/// </summary>
public sealed class BundleInputsTests
{
    [Theory]
    [InlineData("llm-esr", false, nameof(TrainingOptions.RawSemanticEmbeddingsPath))]
    [InlineData("sasrec", true, null)]
    [InlineData("llm-cfsr", true, nameof(TrainingOptions.SemanticEmbeddingsPath))]
    [InlineData("llmemb", false, nameof(TrainingOptions.ScftEmbeddingsPath))]
    [InlineData("melt", false, null)]
    [InlineData("cities", false, null)]
    public void ABundleCarriesTheTableItsModelDeclaresAndScoresAsItsRun(string model, bool everyInput, string? table)
    {
        using var trained = TinyBundle.Train(model, epochs: 2, everyInput: everyInput);
        using var services = TinyBundle.Services();
        using var bundle = RecommenderBundle.Load(trained.BundlePath, services);
        using var runModel = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), new RunDirectory(trained.RunPath), trained.Dataset, CPU);
        using var reference = Recommender.Create(runModel, trained.Dataset.ItemSourceIds);

        Assert.Equal(table, bundle.Manifest.ItemEmbeddingsOption);
        Assert.DoesNotContain(Directory.EnumerateFiles(trained.BundlePath), file => Path.GetFileName(file).Contains("user", StringComparison.OrdinalIgnoreCase));
        for (int user = 1; user <= 10; user++)
        {
            var history = trained.Dataset.TrainingSequence(user).ToArray().Select(i => trained.Dataset.ItemSourceIds[i - 1]).ToList();
            var expected = reference.Recommend(history, 10).Items;
            var actual = bundle.Recommend(history, 10).Items;
            Assert.Equal(expected.Select(i => i.ItemId), actual.Select(i => i.ItemId));
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-4));
        }
    }
}
