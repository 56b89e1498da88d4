using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Models;
using LlmCfsr.Recommendation;
using LlmCfsr.Sequences;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// The recommender over the LLM-enhanced models (dual view with cross-attention or concatenation, one view, LLM2X,
/// SAID): their top-k equals their own <c>ScoreAll</c> with seen items masked, so the inner-product serving path
/// is exact for them. Models are built untrained from seeded random "LLM" embeddings.
/// </summary>
public sealed class LlmEnhancedRecommenderTests
{
    private static readonly PreparedDataset Dataset = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 40, Items = 60, Topics = 4, Seed = 5 }).Dataset;

    [Theory]
    [InlineData("llm-cfsr")]
    [InlineData("llm-cfsr-no-semantic")]
    [InlineData("llm-cfsr-no-collaborative")]
    [InlineData("llm-cfsr-no-cross-attention")]
    [InlineData("llm-cfsr-no-sharing")]
    [InlineData("llm2x")]
    [InlineData("said")]
    [InlineData("llminit")]
    public void TopKEqualsTheModelsOwnScores(string name)
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddSasRec().AddCrossAttentionFusion().AddStandardRankingLosses().AddLlmEnhancedRecommenders();
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ComponentCatalog>();
        using var inputs = RecommenderModelInputs.From(Dataset, new SequenceEncoderSettings { HiddenSize = 8, MaxLength = 6, Layers = 1, Heads = 2, Dropout = 0.1 },
            // The same values as each kind of embeddings: CFT for llm-cfsr, raw for llm2x and llminit, SAID's stage 1 for said.
            RandomEmbeddings(), raw: RandomEmbeddings(fineTuned: false), said: RandomEmbeddings(said: true));
        using var model = RecommenderModels.Create(catalog, name, inputs);
        using var recommender = Recommender.Create(model, Dataset.ItemSourceIds);

        for (int user = 1; user <= 10; user++)
        {
            var history = Dataset.TrainingSequence(user).ToArray().Select(i => (long)i).ToArray();
            float[] scores;
            using (no_grad())
            using (var scope = NewDisposeScope())
            {
                scores = model.ScoreAll(tensor(history, [1, history.Length]))[0].data<float>().ToArray();
            }
            var expected = Enumerable.Range(1, Dataset.ItemCount).Where(id => !history.Contains(id))
                .OrderByDescending(id => scores[id]).Take(5).Select(id => Dataset.ItemSourceIds[id - 1]);

            var result = recommender.Recommend([.. history.Select(id => Dataset.ItemSourceIds[(int)id - 1])], 5);

            Assert.Equal(expected, result.Items.Select(i => i.ItemId));
        }
    }

    private static ItemEmbeddingCache RandomEmbeddings(bool fineTuned = true, bool said = false)
    {
        var generator = new Generator(1);
        using var values = randn([Dataset.ItemCount, 24], generator: generator);
        return new ItemEmbeddingCache(Dataset.Name, Dataset.ItemSourceIds, 24, values.data<float>().ToArray(),
            new ItemEmbeddingFingerprint("random", "random", EmbeddingPooling.Mean, "generic", false) { FineTuned = fineTuned, SaidStage1 = said, Adapter = fineTuned ? "random-adapter" : "none" },
            Dataset.Fingerprint);
    }
}
