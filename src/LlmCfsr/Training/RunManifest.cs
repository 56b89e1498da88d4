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
    /// <summary>
    /// The format version this code writes: 2 records <see cref="ModelOptions"/>, 3 records <see cref="PartOptions"/> as typed
    /// options, 4 gives each kind of item embeddings its own option (<see cref="TrainingOptions.SaidEmbeddingsPath"/>,
    /// <see cref="TrainingOptions.ScftEmbeddingsPath"/>; LLM2X and LLMInit read <see cref="TrainingOptions.RawSemanticEmbeddingsPath"/>).
    /// </summary>
    public const int CurrentFormatVersion = 4;

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

    /// <summary>
    /// The bound options of every registered part as they were, one JSON object per options section (e.g.
    /// "LlmCfsr:Backbones:SasRec" -> <c>{"feedForwardMultiplier": 1, "layerNormEpsilon": 1E-08, "scaleEmbeddings": true}</c>),
    /// written like <see cref="ModelOptions"/>. Null in runs of formats 1 and 2, which recorded <see cref="Configuration"/>.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, JsonElement>? PartOptions { get; init; }

    /// <summary>
    /// Formats 1 and 2 only: the parts' options as flat configuration keys (e.g. "LlmCfsr:Backbones:SasRec:LayerNormEpsilon");
    /// they map to the same typed options as <see cref="PartOptions"/>. Null in runs of format 3.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string?>? Configuration { get; init; }

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
    /// epochs after <see cref="BestEpoch"/>, so early stopping (not the epoch cap) ended it, or a model with a schedule of its
    /// own stopped by its own rule (<see cref="StoppedEarly"/>). Written to <c>run.json</c> for readers; computed, never read back.
    /// </summary>
    public bool Converged => StoppedEarly || History.Count - BestEpoch >= Options.Patience;

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
    /// The training options that differ between this run and <paramref name="options"/> (device, evaluation batch size
    /// and thread settings excepted: they do not change the numbers), as "name: run value, requested value" lines.
    /// </summary>
    internal IReadOnlyList<string> OptionDifferences(TrainingOptions options)
    {
        var recorded = JsonSerializer.SerializeToElement(Options.WithNumericallyNeutralSettingsOf(options), Json);
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
    /// This run with the item embeddings its model read recorded under the option <paramref name="model"/> (the run's
    /// <see cref="TrainedRun.ModelOptions"/>) reads them from now: before format 4 LLM2X, LLMInit, SAID and LLMEmb read
    /// theirs from <see cref="TrainingOptions.SemanticEmbeddingsPath"/>, so its path and its input record move to the
    /// option the model declares today. Runs of format 4 are returned as they are.
    /// </summary>
    internal RunManifest WithCurrentInputOptions(Models.RecommenderModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var before = Models.ModelInputDescriptions.ItemEmbeddings.Where(input => model.InputsBeforeFormat4.HasFlag(input)).ToList();
        var now = Models.ModelInputDescriptions.ItemEmbeddings.Where(input => model.Inputs.HasFlag(input)).ToList();
        if (FormatVersion >= 4 || before.Count != 1 || now.Count != 1 || before[0] == now[0])
        {
            return this;
        }
        string from = Models.ModelInputDescriptions.TrainingOptions[before[0]], to = Models.ModelInputDescriptions.TrainingOptions[now[0]];
        return this with
        {
            Options = Options.WithPathOf(now[0], Options.PathOf(before[0])),
            // The record of a file the model did not read (formats before 4 recorded every path given) goes.
            Inputs = Inputs.Where(record => record.Option != to).Select(record => record.Option == from ? record with { Option = to } : record).ToList(),
        };
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
    /// The parts' options this run recorded, per options section: <see cref="PartOptions"/>, or for formats 1 and 2 their
    /// <see cref="Configuration"/> keys read as the options of <paramref name="registrations"/>.
    /// </summary>
    internal IReadOnlyDictionary<string, JsonElement> RecordedPartOptions(IEnumerable<DependencyInjection.OptionsRegistration> registrations)
        => PartOptions ?? PartOptionsSnapshot.FromConfigurationKeys(Configuration ?? new Dictionary<string, string?>(), registrations);

    /// <summary>
    /// The parts' settings (e.g. a backbone's layer-norm epsilon) that differ between this run and the parts registered
    /// in <paramref name="catalog"/>, as "Section:Property: run value, now value" lines; settings the run predates are
    /// not compared.
    /// </summary>
    internal IReadOnlyList<string> PartOptionDifferences(DependencyInjection.ComponentCatalog catalog)
        => PartOptionsSnapshot.Differences(RecordedPartOptions(catalog.OptionsRegistrations), catalog.PartOptions(), PartOptionsSnapshot.Defaults(catalog.OptionsRegistrations));
}
