using System.Reflection;
using System.Text.Json;
using LlmCfsr.Embeddings;
using LlmCfsr.Storage;
using LlmCfsr.Training;

namespace LlmCfsr.Recommendation;

/// <summary>
/// <c>bundle.json</c>: what a model bundle holds and how it was made: the versions that wrote it, the run's full
/// manifest (the model's typed training options, its parts' bound options, the dataset record, the validation
/// history and test metrics), the item count, and the optional files (LLM item embeddings, PCA basis) with the
/// identity of the encoder that made the embeddings, which new items must be embedded with.
/// </summary>
public sealed record BundleManifest
{
    /// <summary>The manifest's file name inside a bundle folder.</summary>
    public const string FileName = "bundle.json";

    /// <summary>The format version this code writes and reads.</summary>
    public const int CurrentFormatVersion = 1;

    /// <summary>Format version of the file.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Version of the LlmCfsr SDK that wrote the bundle.</summary>
    public required string SdkVersion { get; init; }

    /// <summary>Version of TorchSharp that wrote the bundle.</summary>
    public required string TorchSharpVersion { get; init; }

    /// <summary>When the bundle was written (UTC).</summary>
    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>The registered model name (e.g. "llm-cfsr").</summary>
    public string Model => Run.Options.Model;

    /// <summary>The run the bundle was exported from, as its <c>run.json</c> recorded it.</summary>
    public required RunManifest Run { get; init; }

    /// <summary>Number of items the model was trained on (lines of <c>items.jsonl</c>).</summary>
    public required int ItemCount { get; init; }

    /// <summary>
    /// The LLM item embeddings the model reads (fine-tuned or raw, whichever the model was trained with), as the
    /// bundle's file name, or null for an id-only model.
    /// </summary>
    public string? ItemEmbeddingsFile { get; init; }

    /// <summary>The <see cref="TrainingOptions"/> property that named <see cref="ItemEmbeddingsFile"/> in training.</summary>
    public string? ItemEmbeddingsOption { get; init; }

    /// <summary>The identity of the encoder, prompt template and pooling that made <see cref="ItemEmbeddingsFile"/>; new items' text must be embedded the same way.</summary>
    public ItemEmbeddingFingerprint? Encoder { get; init; }

    /// <summary>The PCA basis from the item embeddings to the collaborative coordinates, as the bundle's file name, or null.</summary>
    public string? PcaBasisFile { get; init; }

    /// <summary>The files of the bundle besides <c>bundle.json</c> and <c>SHA256SUMS</c>.</summary>
    public IEnumerable<string> DataFiles()
    {
        yield return BundleFiles.Weights;
        yield return BundleFiles.Items;
        if (ItemEmbeddingsFile is not null)
        {
            yield return ItemEmbeddingsFile;
        }
        if (PcaBasisFile is not null)
        {
            yield return PcaBasisFile;
        }
    }

    internal static string CurrentSdkVersion
        => typeof(BundleManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    internal static string CurrentTorchSharpVersion => typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>Reads <c>bundle.json</c>; errors name the file and field.</summary>
    public static BundleManifest Read(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<BundleManifest>(File.ReadAllText(path), RunManifest.Json)
                ?? throw new InvalidDataException($"{path}: empty bundle manifest.");
            if (manifest.FormatVersion != CurrentFormatVersion)
            {
                throw new InvalidDataException($"{path}: bundle format version {manifest.FormatVersion} is not supported (expected {CurrentFormatVersion}).");
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid bundle manifest (line {e.LineNumber + 1}, field '{e.Path}'): {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest atomically through <paramref name="writer"/>.</summary>
    public void Write(string path, AtomicFileWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteAllText(path, JsonSerializer.Serialize(this, RunManifest.Json));
    }
}
