using LlmCfsr.DependencyInjection;
using LlmCfsr.Recommendation;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>One tiny LLM-CFSR bundle trained for the class (a few seconds), exported to a temporary folder.</summary>
public sealed class LlmCfsrBundleFixture : IDisposable
{
    internal TinyBundle Bundle { get; } = TinyBundle.Train();

    public void Dispose() => Bundle.Dispose();
}

/// <summary>
/// Model bundles: a loaded bundle recommends exactly as the run's own model does, without the dataset; a damaged
/// bundle is refused naming the file; the keyed registration loads lazily; new items are added from their text.
/// </summary>
public sealed class BundleTests(LlmCfsrBundleFixture fixture) : IClassFixture<LlmCfsrBundleFixture>
{
    private TinyBundle Trained => fixture.Bundle;

    [Fact]
    public void LoadedBundleRecommendsAsTheRunsModel()
    {
        using var services = TinyBundle.Services();
        using var bundle = RecommenderBundle.Load(Trained.BundlePath, services);
        using var model = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), new RunDirectory(Trained.RunPath), Trained.Dataset, CPU);
        using var reference = Recommender.Create(model, Trained.Dataset.ItemSourceIds);

        Assert.Equal("llm-cfsr-no-cft", bundle.Manifest.Model);
        Assert.Equal(Trained.Dataset.ItemCount, bundle.ItemCount);
        for (int user = 1; user <= 20; user++)
        {
            var history = Trained.Dataset.TrainingSequence(user).ToArray().Select(i => Trained.Dataset.ItemSourceIds[i - 1]).ToList();
            var expected = reference.Recommend(history, 10).Items;
            var actual = bundle.Recommend(history, 10).Items;
            Assert.Equal(expected.Select(i => i.ItemId), actual.Select(i => i.ItemId));
            Assert.All(expected.Zip(actual), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-4));
        }
        Assert.Equal(Trained.Dataset.ItemAttributes[0].DisplayName, bundle.DisplayName(Trained.Dataset.ItemSourceIds[0]));
        Assert.NotNull(bundle.DisplayName(Trained.Dataset.ItemSourceIds[0]));
    }

    [Theory]
    [InlineData("model.safetensors")]
    [InlineData("items.jsonl")]
    [InlineData("item-embeddings.safetensors")]
    [InlineData("pca-basis.safetensors")]
    [InlineData("bundle.json")]
    public void TruncatedFileIsRefusedByName(string file)
    {
        var copy = Trained.CopyBundle();
        var path = Path.Combine(copy, file);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }
        using var services = TinyBundle.Services();

        var error = Assert.Throws<InvalidDataException>(() => RecommenderBundle.Load(copy, services));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleWithoutChecksumsIsRefused()
    {
        var copy = Trained.CopyBundle();
        File.Delete(Path.Combine(copy, "SHA256SUMS"));
        using var services = TinyBundle.Services();

        var error = Assert.Throws<InvalidDataException>(() => RecommenderBundle.Load(copy, services));

        Assert.Contains("SHA256SUMS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyedRegistrationLoadsOnFirstUse()
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddSasRec().AddCrossAttentionFusion().AddStandardRankingLosses().AddLlmEnhancedRecommenders()
            .AddRecommender("shop", Trained.BundlePath)
            .AddRecommender("missing", Path.Combine(Trained.Folder, "no-such-bundle"));
        using var provider = services.BuildServiceProvider();

        var recommender = provider.GetRequiredKeyedService<IRecommender>("shop");
        var history = Trained.Dataset.TrainingSequence(1).ToArray().Select(i => Trained.Dataset.ItemSourceIds[i - 1]).ToList();

        Assert.Equal(5, recommender.Recommend(history, 5).Items.Count);
        Assert.Same(recommender, provider.GetRequiredKeyedService<RecommenderBundle>("shop"));
        Assert.Throws<DirectoryNotFoundException>(() => provider.GetRequiredKeyedService<IRecommender>("missing"));
    }

    [Fact]
    public void AddedItemIsRecommendableWithFiniteScoresAndKnownName()
    {
        using var services = TinyBundle.Services();
        using var bundle = RecommenderBundle.Load(Trained.BundlePath, services);
        var item = Trained.HeldOut;
        using var encoder = new BagOfWordsEncoder();

        bundle.AddItems([item], encoder, TinyBundle.Template);

        Assert.Equal(Trained.Dataset.ItemCount + 1, bundle.ItemCount);
        Assert.Equal(item.Attributes.DisplayName, bundle.DisplayName(item.Id));
        var history = Trained.Dataset.TrainingSequence(1).ToArray().Select(i => Trained.Dataset.ItemSourceIds[i - 1]).ToList();
        var all = bundle.Recommend(history, bundle.ItemCount, new RecommendationOptions { AllowedItems = [item.Id] });
        var added = Assert.Single(all.Items);
        Assert.True(float.IsFinite(added.Score));
        // In a history the added item only counts as seen: never recommended back, never encoded.
        var seen = bundle.Recommend([.. history, item.Id], bundle.ItemCount);
        Assert.DoesNotContain(seen.Items, i => i.ItemId == item.Id);
        Assert.Equal(history.Count, seen.HistoryItemsUsed);
        Assert.Throws<ArgumentException>(() => bundle.AddItems([item], encoder, TinyBundle.Template));
    }

    [Fact]
    public void AddItemsRefusesAnotherEncoder()
    {
        using var services = TinyBundle.Services();
        using var bundle = RecommenderBundle.Load(Trained.BundlePath, services);
        using var encoder = new BagOfWordsEncoder();

        var error = Assert.Throws<ArgumentException>(() => bundle.AddItems([Trained.HeldOut], encoder, Prompts.ItemPromptTemplates.Beauty));

        Assert.Contains("prompt", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void IdOnlyModelRefusesNewItemsByName()
    {
        using var trained = TinyBundle.Train("sasrec", epochs: 1);
        using var services = TinyBundle.Services();
        using var bundle = RecommenderBundle.Load(trained.BundlePath, services);
        using var encoder = new BagOfWordsEncoder();

        Assert.False(bundle.AcceptsNewItems);
        Assert.Null(bundle.Manifest.ItemEmbeddingsFile);
        var error = Assert.Throws<NotSupportedException>(() => bundle.AddItems([trained.HeldOut], encoder, TinyBundle.Template));
        Assert.Contains("'sasrec'", error.Message, StringComparison.Ordinal);
    }
}
