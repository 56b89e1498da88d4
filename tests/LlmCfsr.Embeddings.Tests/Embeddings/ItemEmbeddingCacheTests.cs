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
        var cache = new ItemEmbeddingCache("office", ["A", "B", "C"], 4, values, Fingerprint, "dataset-fingerprint");
        var path = Path.Combine(_folder, "e.safetensors");

        cache.Save(path);
        var loaded = ItemEmbeddingCache.Load(path);

        Assert.Equal(values, loaded.Values.ToArray());
        Assert.Equal(["A", "B", "C"], loaded.ItemOrder);
        Assert.Equal(Fingerprint, loaded.Fingerprint);
        Assert.Equal("office", loaded.DatasetName);
        Assert.Equal("dataset-fingerprint", loaded.DatasetFingerprint);
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
        new ItemEmbeddingCache("office", ["A", "B"], 3, [1, 2, 3, 4, 5, 6], Fingerprint, "dataset-fingerprint").Save(path);
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
        new ItemEmbeddingCache("office", dataset.ItemSourceIds, 2, new float[6], Fingerprint, dataset.Fingerprint).Save(path);

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
        new ItemEmbeddingCache("office", ["B00000", "B00002", "B00001"], 2, new float[6], Fingerprint, "dataset-fingerprint").Save(path);

        var error = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint, dataset));
        Assert.Contains("row 1 (item id 2) is item 'B00002' but the dataset's item id 2 is 'B00001'", error.Message);

        var count = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint, TestDatasets.Office(4)));
        Assert.Contains("holds 3 items", count.Message);
    }

    [Fact]
    public void Provenance_is_recorded_and_a_cache_of_another_dataset_is_refused_naming_the_field()
    {
        var dataset = TestDatasets.Office(3);
        var path = Path.Combine(_folder, "e.safetensors");
        var fineTuned = Fingerprint with { Adapter = "/adapters/cft#0123", FineTuned = true };
        new ItemEmbeddingCache("office", dataset.ItemSourceIds, 2, new float[6], fineTuned, dataset.Fingerprint).Save(path);

        var info = ItemEmbeddingCache.ReadInfo(path);
        Assert.Equal(("/adapters/cft#0123", "fine-tuned", dataset.Fingerprint), (info.Fingerprint.Adapter, info.Fingerprint.Kind, info.DatasetFingerprint));
        var raw = Assert.Throws<InvalidDataException>(() => info.EnsureRaw("--raw-embeddings"));
        Assert.Contains(path, raw.Message);
        Assert.Contains("field 'kind' is 'fine-tuned'", raw.Message);
        Assert.Contains("kind 'fine-tuned' vs 'raw'", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, Fingerprint, dataset)).Message);

        // Same items in the same order, one user fewer: another prepared dataset.
        var other = new Data.PreparedDataset(dataset.Name, dataset.UserSourceIds.Skip(1).ToArray(), dataset.ItemSourceIds, dataset.Sequences.Skip(1).ToArray(), dataset.ItemAttributes);
        Assert.Equal(dataset.ItemSourceIds, other.ItemSourceIds);
        var error = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path, fineTuned, other));
        Assert.Contains(path, error.Message);
        Assert.Contains("field 'dataset_fingerprint'", error.Message);
        Assert.Equal(3, ItemEmbeddingCache.Load(path, fineTuned, dataset).ItemCount);
    }

    [Fact]
    public void A_cache_without_provenance_is_refused_with_how_to_re_embed()
    {
        var path = Path.Combine(_folder, "old.safetensors");
        new ItemEmbeddingCache("office", ["A", "B"], 3, [1, 2, 3, 4, 5, 6], Fingerprint, "dataset-fingerprint").Save(path);
        // Format 1 files had the same layout without the provenance fields; the tag has the same length.
        var bytes = File.ReadAllBytes(path);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToInt64(bytes, 0));
        var old = header.Replace("llmcfsr.item-embeddings/2", "llmcfsr.item-embeddings/1", StringComparison.Ordinal);
        Assert.NotEqual(header, old);
        System.Text.Encoding.UTF8.GetBytes(old).CopyTo(bytes, 8);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path));
        Assert.Contains($"{path}: metadata field 'format' is 'llmcfsr.item-embeddings/1'", error.Message);
        Assert.Contains("llmcfsr embed --data PREPARED_DIR", error.Message);
    }

    [Fact]
    public void An_in_memory_cache_without_its_dataset_fingerprint_cannot_be_saved()
        => Assert.Throws<InvalidOperationException>(() => new ItemEmbeddingCache("office", ["A"], 1, [1], Fingerprint).Save(Path.Combine(_folder, "x.safetensors")));

    [Fact]
    public void Truncated_or_foreign_files_are_refused()
    {
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingCache("office", ["A", "B"], 3, [1, 2, 3, 4, 5, 6], Fingerprint, "dataset-fingerprint").Save(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^4]);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path)).Message);

        File.WriteAllText(path, "not a tensor file");
        Assert.Contains("not a safetensors file", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path)).Message);

        Assert.Throws<FileNotFoundException>(() => ItemEmbeddingCache.Load(Path.Combine(_folder, "missing.safetensors")));
    }
}
