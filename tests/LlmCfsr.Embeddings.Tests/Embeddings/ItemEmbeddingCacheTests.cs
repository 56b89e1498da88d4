using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Prompts;
using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

public sealed class ItemEmbeddingCacheTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-cache-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly ItemEmbeddingFingerprint Fingerprint = new("enc|v1", "test/model", EmbeddingPooling.Mean, "beauty@abc", Normalized: false);

    [Fact]
    public void Round_trip_keeps_values_order_and_fingerprint()
    {
        var values = Enumerable.Range(0, 3 * 4).Select(i => i * 0.25f - 1f).ToArray();
        var cache = new ItemEmbeddingCache("office", ["A", "B", "C"], 4, values, Fingerprint);
        var path = Path.Combine(_folder, "e.safetensors");

        cache.Save(path);
        var loaded = ItemEmbeddingCache.Load(path);

        Assert.Equal(values, loaded.Values.ToArray());
        Assert.Equal(["A", "B", "C"], loaded.ItemOrder);
        Assert.Equal(Fingerprint, loaded.Fingerprint);
        Assert.Equal("office", loaded.DatasetName);
        Assert.False(File.Exists(path + ".tmp"));

        using var table = loaded.ToTensor(withPaddingRow: true);
        Assert.Equal(new long[] { 4, 4 }, table.shape);
        Assert.Equal(0f, table[0].abs().sum().item<float>());
        Assert.Equal(values[4], table[2, 0].item<float>());
    }

    [Fact]
    public void File_is_standard_safetensors()
    {
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingCache("office", ["A", "B"], 3, [1, 2, 3, 4, 5, 6], Fingerprint).Save(path);
        var bytes = File.ReadAllBytes(path);

        // Layout by the safetensors spec: u64 LE header size N, N bytes of JSON padded to 8, then the data.
        long headerSize = BitConverter.ToInt64(bytes, 0);
        Assert.Equal(0, headerSize % 8);
        var header = System.Text.Json.JsonDocument.Parse(bytes.AsMemory(8, (int)headerSize)).RootElement;
        Assert.Equal("F32", header.GetProperty("embeddings").GetProperty("dtype").GetString());
        Assert.Equal("[2,3]", header.GetProperty("embeddings").GetProperty("shape").GetRawText());
        Assert.Equal("[\"A\",\"B\"]", header.GetProperty("__metadata__").GetProperty("item_order").GetString());
        Assert.Equal(8 + headerSize + 24, bytes.Length);
        Assert.Equal(6f, BitConverter.ToSingle(bytes, (int)(8 + headerSize + 20)));
    }

    [Fact]
    public void Fingerprint_mismatch_is_refused_with_the_difference()
    {
        var dataset = TestDatasets.Office(3);
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingCache("office", dataset.ItemSourceIds, 2, new float[6], Fingerprint).Save(path);

        var other = Fingerprint with { Encoder = "enc|v2" };
        var error = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, other, dataset));
        Assert.Contains("encoder 'enc|v1' vs 'enc|v2'", error.Message);
        Assert.Contains(path, error.Message);

        var template = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint with { PromptTemplate = "yelp@x" }, dataset));
        Assert.Contains("prompt template 'beauty@abc' vs 'yelp@x'", template.Message);

        Assert.Equal(3, ItemEmbeddingCache.Load(path, Fingerprint, dataset).ItemCount);
    }

    [Fact]
    public void Item_order_mismatch_is_refused_with_the_row()
    {
        var dataset = TestDatasets.Office(3);
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingCache("office", ["B00000", "B00002", "B00001"], 2, new float[6], Fingerprint).Save(path);

        var error = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint, dataset));
        Assert.Contains("row 1 (item id 2) is item 'B00002' but the dataset's item id 2 is 'B00001'", error.Message);

        var count = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint, TestDatasets.Office(4)));
        Assert.Contains("holds 3 items", count.Message);
    }

    [Fact]
    public void Truncated_or_foreign_files_are_refused()
    {
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingCache("office", ["A", "B"], 3, [1, 2, 3, 4, 5, 6], Fingerprint).Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path)).Message);

        File.WriteAllText(path, "not a tensor file");
        Assert.Contains("not a safetensors file", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path)).Message);

        Assert.Throws<FileNotFoundException>(() => ItemEmbeddingCache.Load(Path.Combine(_folder, "missing.safetensors")));
    }
}
