using LlmCfsr.Embeddings;
using LlmCfsr.Prompts;
using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

public sealed class ItemEmbeddingGeneratorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-generate-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly ItemEmbeddingGenerationOptions Chunked = new() { BatchSize = 4, CheckpointInterval = 10 };

    [Fact]
    public void Writes_the_encoders_embeddings_of_the_rendered_items_in_id_order()
    {
        var dataset = TestDatasets.Office(23);
        var encoder = new HashingEncoder();
        var template = ItemPromptTemplates.ForDataset(dataset.Name);
        var path = Path.Combine(_folder, "office.safetensors");
        var reports = new List<ItemEmbeddingProgress>();

        var info = new ItemEmbeddingGenerator(encoder, template, Chunked).Generate(dataset, path, new SynchronousProgress<ItemEmbeddingProgress>(reports.Add));

        var cache = ItemEmbeddingCache.Load(path, ItemEmbeddingFingerprint.Of(encoder, template, normalized: false), dataset);
        using var expected = new HashingEncoder().Encode(template.RenderAll(dataset.ItemAttributes));
        Assert.Equal(expected.data<float>().ToArray(), cache.Values.ToArray());
        Assert.Equal(dataset.ItemSourceIds, info.ItemOrder);
        Assert.Equal(template.Fingerprint, info.Fingerprint.PromptTemplate);
        Assert.Equal(23, reports[^1].Completed);
        Assert.Equal(reports.Select(r => r.Completed).Order(), reports.Select(r => r.Completed));
        Assert.Contains(reports, r => r.Completed == 4);
        Assert.False(File.Exists(ItemEmbeddingGenerator.PartialDataPath(path)));
        Assert.False(File.Exists(ItemEmbeddingGenerator.PartialStatePath(path)));
    }

    [Fact]
    public void The_cache_records_the_dataset_the_adapter_and_the_kind()
    {
        var dataset = TestDatasets.Office(5);
        var raw = new ItemEmbeddingGenerator(new HashingEncoder(), ItemPromptTemplates.Generic).Generate(dataset, Path.Combine(_folder, "raw.safetensors"));
        Assert.Equal((dataset.Fingerprint, "none", "raw"), (raw.DatasetFingerprint, raw.Fingerprint.Adapter, raw.Fingerprint.Kind));

        var tuned = new ItemEmbeddingGenerator(new HashingEncoder("hashing|cft", adapter: "cft#42"), ItemPromptTemplates.Generic).Generate(dataset, Path.Combine(_folder, "cft.safetensors"));
        Assert.Equal(("cft#42", "fine-tuned"), (tuned.Fingerprint.Adapter, tuned.Fingerprint.Kind));
    }

    [Fact]
    public void Resume_after_cancellation_gives_the_identical_file_and_skips_finished_chunks()
    {
        var dataset = TestDatasets.Office(47);
        var template = ItemPromptTemplates.Generic;
        var whole = Path.Combine(_folder, "whole.safetensors");
        new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, whole);

        var resumed = Path.Combine(_folder, "resumed.safetensors");
        using var cancel = new CancellationTokenSource();
        var stopAfterTwoChunks = new SynchronousProgress<ItemEmbeddingProgress>(p =>
        {
            if (p.Completed >= 20)
            {
                cancel.Cancel();
            }
        });
        var first = new HashingEncoder();
        Assert.ThrowsAny<OperationCanceledException>(() => new ItemEmbeddingGenerator(first, template, Chunked).Generate(dataset, resumed, stopAfterTwoChunks, cancel.Token));
        Assert.False(File.Exists(resumed));
        Assert.True(File.Exists(ItemEmbeddingGenerator.PartialStatePath(resumed)));

        var second = new HashingEncoder();
        var reports = new List<ItemEmbeddingProgress>();
        new ItemEmbeddingGenerator(second, template, Chunked).Generate(dataset, resumed, new SynchronousProgress<ItemEmbeddingProgress>(reports.Add));

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
        Assert.Equal(20, reports[0].ResumedFrom);
        Assert.Equal(47 - 20, second.EncodedTexts);
    }

    [Fact]
    public void A_torn_chunk_after_the_last_checkpoint_is_discarded()
    {
        var dataset = TestDatasets.Office(30);
        var template = ItemPromptTemplates.Generic;
        var whole = Path.Combine(_folder, "whole.safetensors");
        new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, whole);

        var resumed = Path.Combine(_folder, "resumed.safetensors");
        using var cancel = new CancellationTokenSource();
        var stop = new SynchronousProgress<ItemEmbeddingProgress>(p =>
        {
            if (p.Completed >= 10)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, resumed, stop, cancel.Token));
        // A crash in the middle of writing the next chunk leaves extra bytes behind the checkpointed rows.
        using (var rows = new FileStream(ItemEmbeddingGenerator.PartialDataPath(resumed), FileMode.Append))
        {
            rows.Write(new byte[100]);
        }

        new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, resumed);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
    }

    [Fact]
    public void An_unfinished_run_of_another_encoder_is_refused()
    {
        var dataset = TestDatasets.Office(30);
        var path = Path.Combine(_folder, "e.safetensors");
        using var cancel = new CancellationTokenSource();
        var stop = new SynchronousProgress<ItemEmbeddingProgress>(p =>
        {
            if (p.Completed >= 10)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new ItemEmbeddingGenerator(new HashingEncoder(), ItemPromptTemplates.Generic, Chunked).Generate(dataset, path, stop, cancel.Token));

        var error = Assert.Throws<InvalidOperationException>(() =>
            new ItemEmbeddingGenerator(new HashingEncoder("hashing|v2"), ItemPromptTemplates.Generic, Chunked).Generate(dataset, path));
        Assert.Contains("encoder 'hashing|v1' vs 'hashing|v2'", error.Message);
        Assert.Contains("Delete", error.Message);
    }

    [Fact]
    public void An_existing_matching_file_is_kept_and_a_different_one_refused()
    {
        var dataset = TestDatasets.Office(12);
        var path = Path.Combine(_folder, "e.safetensors");
        new ItemEmbeddingGenerator(new HashingEncoder(), ItemPromptTemplates.Generic, Chunked).Generate(dataset, path);
        var written = File.GetLastWriteTimeUtc(path);

        var again = new HashingEncoder();
        new ItemEmbeddingGenerator(again, ItemPromptTemplates.Generic, Chunked).Generate(dataset, path);
        Assert.Equal(0, again.EncodedTexts);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));

        var error = Assert.Throws<InvalidOperationException>(() =>
            new ItemEmbeddingGenerator(new HashingEncoder(), ItemPromptTemplates.Beauty, Chunked).Generate(dataset, path));
        Assert.Contains("prompt template", error.Message);
        Assert.Contains("left untouched", error.Message);
    }

    [Fact]
    public void Normalisation_request_is_part_of_the_fingerprint()
    {
        var encoder = new HashingEncoder();
        var plain = new ItemEmbeddingGenerator(encoder, ItemPromptTemplates.Generic).Fingerprint;
        var normalized = new ItemEmbeddingGenerator(encoder, ItemPromptTemplates.Generic, new() { Normalize = true }).Fingerprint;
        Assert.Equal(["normalized False vs True"], plain.Differences(normalized));
    }
}
