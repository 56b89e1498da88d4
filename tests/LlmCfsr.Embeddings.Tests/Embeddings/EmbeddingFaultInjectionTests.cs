using LlmCfsr.Encoders;
using LlmCfsr.Prompts;
using LlmCfsr.Storage;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

/// <summary>
/// Crashes an embedding run at every file write and damages its partial state: the next run either writes the file an
/// uninterrupted run writes, byte for byte, or refuses naming the damaged file. Damaged or non-finite caches are
/// refused on load.
/// </summary>
public sealed class EmbeddingFaultInjectionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-embed-faults-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly ItemEmbeddingGenerationOptions Chunked = new() { BatchSize = 4, CheckpointInterval = 10 };

    private sealed class SimulatedCrash(string path) : IOException($"simulated crash before {path} was replaced");

    [Fact]
    public void A_crash_at_any_write_resumes_to_the_identical_file()
    {
        var dataset = TestDatasets.Office(35);
        var template = ItemPromptTemplates.Generic;
        var whole = Path.Combine(_folder, "whole.safetensors");
        var written = new List<string>();
        new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked, new AtomicFileWriter(written.Add)).Generate(dataset, whole);
        Assert.Equal(1 + 4 + 1, written.Count);

        for (int crashAt = 1; crashAt <= written.Count; crashAt++)
        {
            var path = Path.Combine(_folder, $"crash-{crashAt}.safetensors");
            int writes = 0;
            int crash = crashAt;
            var crashing = new AtomicFileWriter(target =>
            {
                if (++writes == crash)
                {
                    throw new SimulatedCrash(target);
                }
            });
            Assert.Throws<SimulatedCrash>(() => new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked, crashing).Generate(dataset, path));
            Assert.False(File.Exists(path));

            new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, path);
            Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(path));
        }
    }

    [Fact]
    public void Damaged_finished_rows_are_refused_by_name()
    {
        var dataset = TestDatasets.Office(35);
        var template = ItemPromptTemplates.Generic;
        var path = Path.Combine(_folder, "damaged.safetensors");
        Assert.Throws<SimulatedCrash>(() => new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked, new AtomicFileWriter(target =>
        {
            if (target == Path.GetFullPath(path))
            {
                throw new SimulatedCrash(target);
            }
        })).Generate(dataset, path));
        var rows = ItemEmbeddingGenerator.PartialDataPath(path);
        var bytes = File.ReadAllBytes(rows);
        bytes[bytes.Length / 3] ^= 0x04;
        File.WriteAllBytes(rows, bytes);

        var flipped = Assert.Throws<InvalidDataException>(() => new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, path));
        Assert.Contains(rows, flipped.Message);

        File.WriteAllBytes(rows, bytes[..(bytes.Length / 2)]);
        var truncated = Assert.Throws<InvalidDataException>(() => new ItemEmbeddingGenerator(new HashingEncoder(), template, Chunked).Generate(dataset, path));
        Assert.Contains(rows, truncated.Message);
    }

    [Fact]
    public void A_second_writer_of_the_same_output_is_refused_with_the_holders_process_id()
    {
        var path = Path.Combine(_folder, "locked.safetensors");
        using (FolderLock.AcquireForFile(path))
        {
            var error = Assert.Throws<IOException>(() => new ItemEmbeddingGenerator(new HashingEncoder(), ItemPromptTemplates.Generic, Chunked).Generate(TestDatasets.Office(5), path));
            Assert.Contains($"PID {Environment.ProcessId}", error.Message);
        }
    }

    [Fact]
    public void A_flipped_bit_or_a_non_finite_value_in_a_cache_is_refused_by_name_and_row()
    {
        var fingerprint = new ItemEmbeddingFingerprint("enc|v1", "test/model", EmbeddingPooling.Mean, "generic@abc", Normalized: false);
        var path = Path.Combine(_folder, "cache.safetensors");
        new ItemEmbeddingCache("office", ["A", "B", "C"], 2, [1, 2, 3, 4, 5, 6], fingerprint, "dataset-fingerprint").Save(path);
        var bytes = File.ReadAllBytes(path);
        bytes[^3] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var damaged = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path));
        Assert.Contains($"{path}: the embeddings' SHA-256 differs", damaged.Message);

        // A file whose writer produced NaN (its checksum matches): refused before any model sees it.
        new ItemEmbeddingCache("office", ["A", "B", "C"], 2, [1, 2, 3, float.NaN, 5, 6], fingerprint, "dataset-fingerprint").Save(path);
        var nan = Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path));
        Assert.Contains($"{path}: row 1 (item 'B'), column 1 is NaN", nan.Message);

        new ItemEmbeddingCache("office", ["A", "B", "C"], 2, [1, 2, 3, 4, float.PositiveInfinity, 6], fingerprint, "dataset-fingerprint").Save(path);
        Assert.Contains("row 2 (item 'C'), column 0 is Infinity", Assert.Throws<InvalidDataException>(() => ItemEmbeddingCache.Load(path)).Message);
    }
}
