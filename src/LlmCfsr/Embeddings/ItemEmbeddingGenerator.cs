using System.Diagnostics;
using System.Runtime.InteropServices;
using LlmCfsr.Data;
using LlmCfsr.Encoders;
using LlmCfsr.Prompts;
using TorchSharp;

namespace LlmCfsr.Embeddings;

/// <summary>
/// Embeds every item of a <see cref="PreparedDataset"/> with an <see cref="ISemanticEncoder"/> and writes an
/// <see cref="ItemEmbeddingCache"/>. Items are rendered with an <see cref="ItemPromptTemplate"/> and encoded
/// in fixed chunks of <see cref="ItemEmbeddingGenerationOptions.CheckpointInterval"/> items; after each chunk
/// the rows are flushed to "OUT.partial" and the count to "OUT.partial.json". A run that finds these files
/// continues after the last complete chunk, and because chunks are the same as in an uninterrupted run the
/// final file is byte-identical to one.
/// </summary>
public sealed class ItemEmbeddingGenerator
{
    private readonly ISemanticEncoder _encoder;
    private readonly ItemPromptTemplate _template;
    private readonly ItemEmbeddingGenerationOptions _options;

    /// <summary>Creates a generator; nothing is loaded until <see cref="Generate"/>.</summary>
    public ItemEmbeddingGenerator(ISemanticEncoder encoder, ItemPromptTemplate template, ItemEmbeddingGenerationOptions? options = null)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _template = template ?? throw new ArgumentNullException(nameof(template));
        _options = options ?? new ItemEmbeddingGenerationOptions();
        _options.Validate();
        Fingerprint = ItemEmbeddingFingerprint.Of(encoder, template, _options.Normalize);
    }

    /// <summary>The fingerprint the generated cache carries.</summary>
    public ItemEmbeddingFingerprint Fingerprint { get; }

    /// <summary>Raw rows of an unfinished run writing <paramref name="outputPath"/>.</summary>
    public static string PartialDataPath(string outputPath) => outputPath + ".partial";

    /// <summary>Progress state of an unfinished run writing <paramref name="outputPath"/>.</summary>
    public static string PartialStatePath(string outputPath) => outputPath + ".partial.json";

    /// <summary>
    /// Writes the embeddings of <paramref name="dataset"/>'s items to <paramref name="outputPath"/>, resuming
    /// an interrupted run of the same configuration. An existing complete file with the same fingerprint and
    /// item order is kept as it is; one made differently is refused (delete it or write elsewhere).
    /// Cancelling keeps every completed chunk for the next run.
    /// </summary>
    public ItemEmbeddingCacheInfo Generate(
        PreparedDataset dataset, string outputPath, IProgress<ItemEmbeddingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        var clock = Stopwatch.StartNew();
        var itemOrder = dataset.ItemSourceIds;
        int total = itemOrder.Count;

        if (File.Exists(outputPath))
        {
            var existing = ItemEmbeddingCache.ReadInfo(outputPath);
            try
            {
                existing.EnsureMatches(Fingerprint, itemOrder);
                existing.EnsureDataset(dataset);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidOperationException($"{e.Message} The existing file is left untouched: delete it or choose another output path.", e);
            }
            progress?.Report(new ItemEmbeddingProgress(total, total, total, clock.Elapsed));
            return existing;
        }

        int dimension = _encoder.Dimension;
        var wanted = new ItemEmbeddingCheckpoint(
            ItemEmbeddingCache.Format, dataset.Name, total, ItemEmbeddingCache.HashItemOrder(itemOrder), dimension,
            _options.CheckpointInterval, Fingerprint, Completed: 0);
        var statePath = PartialStatePath(outputPath);
        var dataPath = PartialDataPath(outputPath);
        var checkpoint = Resume(wanted, statePath, dataPath);
        int resumedFrom = checkpoint.Completed;

        SafetensorsFile.EnsureLittleEndian();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
        var texts = _template.RenderAll(dataset.ItemAttributes);
        using (var rows = new FileStream(dataPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None))
        {
            // Bytes past the last checkpoint belong to a chunk that was cut off; drop them.
            rows.SetLength((long)checkpoint.Completed * dimension * sizeof(float));
            rows.Seek(0, SeekOrigin.End);
            checkpoint.Write(statePath);
            progress?.Report(new ItemEmbeddingProgress(checkpoint.Completed, total, resumedFrom, clock.Elapsed));

            for (int start = checkpoint.Completed; start < total; start += checkpoint.ChunkSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(checkpoint.ChunkSize, total - start);
                var chunk = Slice(texts, start, count);
                var inner = progress is null ? null : new ChunkProgress(progress, start, total, resumedFrom, clock);
                var encoding = new SemanticEncodingOptions { BatchSize = _options.BatchSize, Normalize = _options.Normalize, Progress = inner };
                using (var embeddings = _encoder.Encode(chunk, encoding, cancellationToken))
                {
                    WriteRows(rows, embeddings, count, dimension);
                }
                rows.Flush(flushToDisk: true);
                checkpoint = checkpoint with { Completed = start + count };
                checkpoint.Write(statePath);
                progress?.Report(new ItemEmbeddingProgress(checkpoint.Completed, total, resumedFrom, clock.Elapsed));
            }
        }

        ItemEmbeddingCache.Write(outputPath, dataset.Name, dataset.Fingerprint, itemOrder, dimension, Fingerprint, stream =>
        {
            using var rows = File.OpenRead(dataPath);
            rows.CopyTo(stream);
        });
        File.Delete(dataPath);
        File.Delete(statePath);
        return ItemEmbeddingCache.ReadInfo(outputPath);
    }

    private static ItemEmbeddingCheckpoint Resume(ItemEmbeddingCheckpoint wanted, string statePath, string dataPath)
    {
        var found = ItemEmbeddingCheckpoint.TryRead(statePath);
        if (found is null)
        {
            return wanted;
        }
        if (!found.SameRunAs(wanted))
        {
            var differences = found.Fingerprint.Differences(wanted.Fingerprint);
            string what = differences.Count > 0 ? string.Join("; ", differences)
                : $"dataset '{found.Dataset}' with {found.Items} items (order {found.ItemOrderHash}), {found.Dimension}-d vs dataset '{wanted.Dataset}' with {wanted.Items} items (order {wanted.ItemOrderHash}), {wanted.Dimension}-d";
            throw new InvalidOperationException(
                $"{statePath}: an unfinished run of different embeddings is in the way ({what}; unfinished vs this run). "
                + $"Delete {statePath} and {dataPath} to discard it, or choose another output path.");
        }
        long onDisk = File.Exists(dataPath) ? new FileInfo(dataPath).Length : 0;
        long needed = (long)found.Completed * found.Dimension * sizeof(float);
        if (onDisk < needed)
        {
            throw new InvalidDataException(
                $"{dataPath}: holds {onDisk} bytes but {statePath} records {found.Completed} finished items ({needed} bytes); delete both files to start over.");
        }
        return found;
    }

    private static string[] Slice(IReadOnlyList<string> texts, int start, int count)
    {
        var slice = new string[count];
        for (int i = 0; i < count; i++)
        {
            slice[i] = texts[start + i];
        }
        return slice;
    }

    private void WriteRows(Stream rows, torch.Tensor embeddings, int count, int dimension)
    {
        if (embeddings.ndim != 2 || embeddings.shape[0] != count || embeddings.shape[1] != dimension)
        {
            throw new InvalidOperationException(
                $"Encoder '{_encoder.ModelId}' returned [{string.Join(", ", embeddings.shape)}] for {count} texts; [{count}, {dimension}] was expected.");
        }
        using var host = embeddings.to(torch.float32).cpu().contiguous();
        rows.Write(MemoryMarshal.AsBytes(host.data<float>().ToArray().AsSpan()));
    }

    /// <summary>Turns the encoder's per-call text counts into dataset-wide progress.</summary>
    private sealed class ChunkProgress(IProgress<ItemEmbeddingProgress> progress, int offset, int total, int resumedFrom, Stopwatch clock) : IProgress<int>
    {
        public void Report(int value) => progress.Report(new ItemEmbeddingProgress(offset + value, total, resumedFrom, clock.Elapsed));
    }
}
