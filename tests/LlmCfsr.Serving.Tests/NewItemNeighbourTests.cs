using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Recommendation;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// New items whose collaborative view comes from the nearest trained items (<see cref="NewItemCollaborativeView.NearestTrainedItems"/>):
/// the mean of the right trained id vectors, an item added with a trained item's embedding scores exactly as that
/// item with one neighbour, and the settings bind from configuration and are validated.
/// </summary>
public sealed class NewItemNeighbourTests(LlmCfsrBundleFixture fixture) : IClassFixture<LlmCfsrBundleFixture>
{
    private TinyBundle Trained => fixture.Bundle;

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(1000)]
    public void CollaborativeViewIsTheMeanTrainedIdVectorOfTheNearestItemsByCosine(int neighbours)
    {
        using var services = TinyBundle.Services();
        using var model = (DualViewRecommender)TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), new RunDirectory(Trained.RunPath), Trained.Dataset, CPU);
        var cache = ItemEmbeddingCache.Load(Path.Combine(Trained.BundlePath, "item-embeddings.safetensors"));
        var table = cache.Values.ToArray();
        int dimension = cache.Dimension, items = cache.ItemCount;
        using var rows = (items + 1).ToScalar();
        using var ids = TensorArithmetic.Arange(rows, ScalarType.Int64, CPU);
        var idTable = model.ItemViews(ids).Collaborative!.data<float>().ToArray();
        int hidden = idTable.Length / (items + 1);
        // Queries: two trained items' embeddings, scaled (cosine ignores the norm), and their mix.
        var queries = new float[3 * dimension];
        for (int j = 0; j < dimension; j++)
        {
            queries[j] = 3 * table[j];
            queries[dimension + j] = table[(items / 2) * dimension + j];
            queries[2 * dimension + j] = table[j] + table[(items - 1) * dimension + j];
        }

        using var actual = model.NearestTrainedCollaborative(tensor(queries, [3, dimension]), neighbours);

        int k = Math.Min(neighbours, items);
        var values = actual.data<float>().ToArray();
        Assert.Equal([3L, hidden], actual.shape);
        for (int q = 0; q < 3; q++)
        {
            var nearest = Enumerable.Range(0, items).OrderByDescending(i => Cosine(queries, q, table, i, dimension)).Take(k).ToList();
            for (int h = 0; h < hidden; h++)
            {
                double expected = nearest.Average(i => (double)idTable[(i + 1) * hidden + h]);
                Assert.Equal(expected, values[q * hidden + h], 1e-5);
            }
        }
    }

    [Fact]
    public void WithOneNeighbourAnItemAddedWithATrainedItemsEmbeddingScoresAsThatItem()
    {
        var cache = ItemEmbeddingCache.Load(Path.Combine(Trained.BundlePath, "item-embeddings.safetensors"));
        var table = cache.Values.ToArray();
        int dimension = cache.Dimension;
        // An item whose embedding no other item shares, so its own row is the one nearest neighbour.
        int source = Enumerable.Range(0, cache.ItemCount).First(i => Enumerable.Range(0, cache.ItemCount).All(j => j == i || Cosine(table, i, table, j, dimension) < 0.999));
        var copy = new NewItem("copy", Trained.Dataset.ItemAttributes[source]);
        var embedding = table.AsSpan(source * dimension, dimension).ToArray();
        var sourceId = Trained.Dataset.ItemSourceIds[source];

        double nearestGap = LargestScoreGap(NewItemCollaborativeView.NearestTrainedItems);
        double pcaGap = LargestScoreGap(NewItemCollaborativeView.PcaCoordinates);

        Assert.True(nearestGap < 1e-4, $"The copy scores up to {nearestGap} away from its source item.");
        // The default starts the copy where its source started training, so it scores differently.
        Assert.True(pcaGap > 1e-2, $"With PCA coordinates the copy scores within {pcaGap} of its source.");

        double LargestScoreGap(NewItemCollaborativeView view)
        {
            using var services = TinyBundle.Services(options => { options.NewItems.CollaborativeView = view; options.NewItems.Neighbours = 1; });
            using var bundle = RecommenderBundle.Load(Trained.BundlePath, services);
            bundle.AddItems([copy], embedding);
            double largest = 0;
            for (int user = 1; user <= 20; user++)
            {
                var history = Trained.Dataset.TrainingSequence(user).ToArray().Select(i => Trained.Dataset.ItemSourceIds[i - 1]).ToList();
                if (history.Contains(sourceId))
                {
                    continue;
                }
                var scores = bundle.Recommend(history, bundle.ItemCount).Items.ToDictionary(item => item.ItemId, item => item.Score);
                largest = Math.Max(largest, Math.Abs(scores["copy"] - scores[sourceId]));
            }
            return largest;
        }
    }

    [Fact]
    public void SettingsBindFromConfigurationAndAreValidated()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LlmCfsr:NewItems:CollaborativeView"] = "NearestTrainedItems",
            ["LlmCfsr:NewItems:Neighbours"] = "7",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLlmCfsr();
        using (var provider = services.BuildServiceProvider())
        {
            var bound = provider.GetRequiredService<IOptions<LlmCfsrOptions>>().Value.NewItems;
            Assert.Equal(NewItemCollaborativeView.NearestTrainedItems, bound.CollaborativeView);
            Assert.Equal(7, bound.Neighbours);
        }

        using var invalid = TinyBundle.Services(options => options.NewItems.Neighbours = 0);
        var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<LlmCfsrOptions>>().Value);
        Assert.Contains("LlmCfsr:NewItems:Neighbours must be at least 1 (got 0).", error.Message);
    }

    private static double Cosine(float[] left, int leftRow, float[] right, int rightRow, int dimension)
    {
        double dot = 0, leftNorm = 0, rightNorm = 0;
        for (int j = 0; j < dimension; j++)
        {
            double a = left[leftRow * dimension + j], b = right[rightRow * dimension + j];
            dot += a * b;
            leftNorm += a * a;
            rightNorm += b * b;
        }
        return dot / Math.Sqrt(leftNorm * rightNorm);
    }
}
