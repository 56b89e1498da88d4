using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Encoders;

namespace LlmCfsr.Embeddings.Tests.Cli;

public sealed class EmbedCheckCommandTests : IDisposable
{
    private static readonly ItemEmbeddingFingerprint Fingerprint = new("test-encoder", "test-model", EmbeddingPooling.Mean, "generic@test", Normalized: false);
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-embed-check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Compares_category_agreement_of_two_caches_with_a_paired_test()
    {
        // 12 items whose categories repeat every 4 items. One cache puts items of a category on one axis (every nearest
        // neighbour agrees); the other groups items by index modulo 3, which never matches the category (none agrees).
        var dataset = TestDatasets.Office(12);
        var data = Path.Combine(_folder, "office");
        PreparedDatasetStore.Save(dataset, data);
        var byCategory = Save(dataset, "by-category.safetensors", 4, i => i % 4);
        var blind = Save(dataset, "blind.safetensors", 3, i => i % 3);

        var (exit, output, error) = Run("embed", "check", "--data", data, "--embeddings", byCategory, "--embeddings", blind, "--k", "2");

        Assert.True(exit == 0, error);
        Assert.Contains("12 items, 4 distinct 'categories' values; 12 items share theirs with another item and are checked.", output);
        Assert.Contains("| by-category.safetensors | raw | none | 1.0000 | 1.0000 |", output);
        Assert.Contains("| blind.safetensors | raw | none | 0.0000 | 0.0000 |", output);
        Assert.Contains("| blind.safetensors | nearest neighbour | -1.0000 |", output);
    }

    [Fact]
    public void Refuses_a_cache_of_other_items_in_one_line()
    {
        var dataset = TestDatasets.Office(12);
        var data = Path.Combine(_folder, "office");
        PreparedDatasetStore.Save(dataset, data);
        var other = TestDatasets.Office(12, "other");
        var path = Path.Combine(_folder, "other.safetensors");
        new ItemEmbeddingCache(other.Name, other.ItemSourceIds.Reverse().ToArray(), 2, new float[24], Fingerprint, other.Fingerprint).Save(path);

        var (exit, _, error) = Run("embed", "check", "--data", data, "--embeddings", path);

        Assert.Equal(1, exit);
        Assert.StartsWith($"error: {path}: made for prepared dataset 'other'", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    private string Save(PreparedDataset dataset, string name, int dimension, Func<int, int> axis)
    {
        var values = new float[dataset.ItemCount * dimension];
        for (int i = 0; i < dataset.ItemCount; i++)
        {
            values[i * dimension + axis(i)] = 1;
        }
        var path = Path.Combine(_folder, name);
        new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, dimension, values, Fingerprint, dataset.Fingerprint).Save(path);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
