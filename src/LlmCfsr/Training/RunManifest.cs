using System.Text.Json;
using System.Text.Json.Serialization;
using LlmCfsr.Storage;

namespace LlmCfsr.Training;

/// <summary>
/// <c>run.json</c>: the full configuration of a run (training options and the bound options of every
/// registered part), the dataset fingerprint, the per-epoch history and the best validation and test metrics.
/// </summary>
public sealed record RunManifest
{
    /// <summary>The format version this code writes: 2 records <see cref="ModelOptions"/>.</summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The oldest format version this code reads: 1 kept the model options among the <see cref="Configuration"/> keys ("LlmCfsr:Models:...").</summary>
    public const int OldestFormatVersion = 1;

    /// <summary>Format version of the file.</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>True once training finished and the test split was evaluated.</summary>
    public bool Completed { get; init; }

    /// <summary>The training options.</summary>
    public required TrainingOptions Options { get; init; }

    /// <summary>The loss actually used (after resolving a null <see cref="TrainingOptions.Loss"/>).</summary>
    public required string Loss { get; init; }

    /// <summary>The objective actually used (after resolving <see cref="TrainingObjective.Auto"/>).</summary>
    public required TrainingObjective Objective { get; init; }

    /// <summary>
    /// The options the model was built from, as they were (<see cref="Models.RecommenderModels.Serialize"/>); read them with
    /// <see cref="TrainedRun.ModelOptions"/>. Null in runs of format 1.
    /// </summary>
    public JsonElement? ModelOptions { get; init; }

    /// <summary>Bound options of every registered part, as configuration keys (e.g. "LlmCfsr:Backbones:SasRec:LayerNormEpsilon").</summary>
    public required IReadOnlyDictionary<string, string?> Configuration { get; init; }

    /// <summary>The dataset.</summary>
    public required RunDataset Dataset { get; init; }

    /// <summary>The model inputs (item and user embeddings, teacher run) with what produced them; empty for id-only models.</summary>
    public IReadOnlyList<ModelInputRecord> Inputs { get; init; } = [];

    /// <summary>Per-epoch loss, throughput and validation metrics.</summary>
    public IReadOnlyList<EpochRecord> History { get; init; } = [];

    /// <summary>The epoch whose weights are kept (best validation NDCG@10); 0 before the first validation.</summary>
    public int BestEpoch { get; init; }

    /// <summary>Whether training stopped before the epoch limit because validation stopped improving.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>
    /// Whether training converged: validation NDCG@10 did not improve for <see cref="TrainingOptions.Patience"/>
    /// epochs after <see cref="BestEpoch"/>, so early stopping (not the epoch cap) ended it. Written to
    /// <c>run.json</c> for readers; computed from the history, never read back.
    /// </summary>
    public bool Converged => History.Count - BestEpoch >= Options.Patience;

    /// <summary>Overall test metrics of the best weights, once completed.</summary>
    public IReadOnlyDictionary<string, double>? Test { get; init; }

    internal static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Reads <c>run.json</c>; the error names the file.</summary>
    public static RunManifest Read(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<RunManifest>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException($"{path}: empty run manifest.");
            if (manifest.FormatVersion is < OldestFormatVersion or > CurrentFormatVersion)
            {
                throw new InvalidDataException($"{path}: run format version {manifest.FormatVersion} is not supported (this version reads {OldestFormatVersion} to {CurrentFormatVersion}).");
            }
            return manifest;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid run manifest (line {e.LineNumber + 1}, field '{e.Path}'): {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest atomically (temporary file, flush, rename) through <paramref name="writer"/> (default: <see cref="AtomicFileWriter.Default"/>).</summary>
    public void Write(string path, AtomicFileWriter? writer = null)
        => (writer ?? AtomicFileWriter.Default).WriteAllText(path, JsonSerializer.Serialize(this, Json));

    /// <summary>
    /// The training options that differ between this run and <paramref name="options"/> (device and thread settings
    /// excepted: they do not change the numbers), as "name: run value, requested value" lines.
    /// </summary>
    internal IReadOnlyList<string> OptionDifferences(TrainingOptions options)
    {
        var recorded = JsonSerializer.SerializeToElement(Options with { Device = options.Device }, Json);
        var requested = JsonSerializer.SerializeToElement(options, Json);
        var differences = new List<string>();
        foreach (var property in requested.EnumerateObject())
        {
            var before = recorded.TryGetProperty(property.Name, out var value) ? value.GetRawText() : "(absent)";
            if (before != property.Value.GetRawText())
            {
                differences.Add($"{property.Name}: run {before}, now {property.Value.GetRawText()}");
            }
        }
        return differences;
    }

    /// <summary>
    /// The model options that differ between <paramref name="recorded"/> (this run's, <see cref="TrainedRun.ModelOptions"/>)
    /// and <paramref name="requested"/>, as "name: run value, now value" lines.
    /// </summary>
    internal static IReadOnlyList<string> ModelOptionDifferences(Models.RecommenderModelOptions recorded, Models.RecommenderModelOptions requested)
    {
        if (recorded.GetType() != requested.GetType())
        {
            return [$"model options: run {recorded.GetType().Name}, now {requested.GetType().Name}"];
        }
        var before = Models.RecommenderModels.Serialize(recorded);
        var differences = new List<string>();
        foreach (var property in Models.RecommenderModels.Serialize(requested).EnumerateObject())
        {
            var value = before.TryGetProperty(property.Name, out var old) ? old.GetRawText() : "(absent)";
            if (value != property.Value.GetRawText())
            {
                differences.Add($"modelOptions.{property.Name}: run {value}, now {property.Value.GetRawText()}");
            }
        }
        return differences;
    }

    /// <summary>
    /// The parts' settings (e.g. a backbone's layer-norm epsilon) that differ between this run and
    /// <paramref name="configuration"/> (<see cref="DependencyInjection.ComponentCatalog.PartOptions"/>), as "key: run value, now value"
    /// lines; settings the run predates are not compared.
    /// </summary>
    internal IReadOnlyList<string> ConfigurationDifferences(IReadOnlyDictionary<string, string?> configuration)
        => Configuration
            .Where(entry => configuration.TryGetValue(entry.Key, out var current) && current != entry.Value)
            .Select(entry => $"{entry.Key}: run {entry.Value ?? "(none)"}, now {configuration[entry.Key] ?? "(none)"}")
            .ToList();
}
