using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmCfsr.Comparison;

/// <summary>
/// Trains every model of a <see cref="ComparisonOptions"/> with every seed through <see cref="RecommenderTrainer"/>,
/// one run directory each (<c>runs/MODEL/seed-N</c>: checkpoint, <c>run.json</c>, <c>metrics.json</c> of the first
/// protocol and <c>metrics-test-PROTOCOL.json</c> of every protocol), and evaluates the best weights under every
/// protocol without retraining. A run that throws is recorded with its error and the others go on; only
/// cancellation stops the comparison. Models that align to a trained id-only model (<see cref="RecommenderModelOptions.TeacherModel"/>:
/// "llmemb" to "sasrec") get the teacher's run of the same seed as <see cref="TrainingOptions.TeacherRunDirectory"/>; the
/// teacher is trained first (in <c>runs/TEACHER/seed-N</c>) when it is not already done, and is reused when it is
/// also compared.
/// </summary>
public sealed class ComparisonRunner
{
    private readonly ComponentCatalog _catalog;
    private readonly IReadOnlyDictionary<string, string?> _configuration;
    private readonly RecommenderTrainer _trainer;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates the runner over the parts registered in <paramref name="catalog"/> (models, backbones, losses), training
    /// with <paramref name="trainer"/>. <c>services.AddLlmCfsr()</c> registers it: resolve it from the provider.
    /// </summary>
    public ComparisonRunner(ComponentCatalog catalog, RecommenderTrainer trainer, ILogger<ComparisonRunner>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(trainer);
        _catalog = catalog;
        _configuration = catalog.PartOptions();
        _trainer = trainer;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The run directory of <paramref name="model"/> with <paramref name="seed"/> inside <paramref name="reportDirectory"/>.</summary>
    public static string RunDirectoryOf(string reportDirectory, string model, int seed)
        => Path.Combine(Path.GetFullPath(reportDirectory), "runs", model, $"seed-{seed}");

    /// <summary>The file a run's test report under <paramref name="protocol"/> is written to (the name <c>llmcfsr evaluate</c> uses).</summary>
    public static string MetricsFileOf(string runDirectory, EvaluationProtocol protocol)
        => Path.Combine(runDirectory, $"metrics-test-{protocol.ToString().Replace(':', '-')}.json");

    /// <summary>Runs the comparison on <paramref name="dataset"/> (loaded from <paramref name="datasetFolder"/>, recorded in each run when given).</summary>
    /// <exception cref="ArgumentException">Invalid options, or <see cref="ComparisonRunMode.New"/> on a report directory that already holds runs.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; finished runs stay on disk and <see cref="ComparisonRunMode.Resume"/> picks them up.</exception>
    public ComparisonResult Run(PreparedDataset dataset, ComparisonOptions options, string? datasetFolder = null,
        IProgress<ComparisonProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        CheckBeforeTraining(dataset, options);
        string runsRoot = Path.Combine(Path.GetFullPath(options.OutputDirectory), "runs");
        if (options.Mode == ComparisonRunMode.New && Directory.Exists(runsRoot) && Directory.EnumerateFileSystemEntries(runsRoot).Any())
        {
            throw new ArgumentException($"{options.OutputDirectory} already holds runs; choose another directory or resume it (completed runs with the same options are reused).");
        }
        var protocols = options.Protocols.Select(EvaluationProtocol.Parse).ToArray();
        // Each training restores torch's default generator, and loading a reused run's model leaves it as it was.
        var finished = new Dictionary<(string Model, int Seed), ComparisonRun>();
        var runs = new List<ComparisonRun>();
        int total = options.Models.Count * options.Seeds.Count;
        foreach (string model in options.Models)
        {
            foreach (int seed in options.Seeds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int index = runs.Count + 1;
                var run = RunOnce(model, seed, index, total, dataset, datasetFolder, options, protocols, finished, progress, cancellationToken);
                runs.Add(run);
            }
        }
        return new ComparisonResult
        {
            Dataset = dataset,
            Models = options.Models,
            Seeds = options.Seeds,
            Protocols = protocols.Select(p => p.ToString()).ToArray(),
            Runs = runs,
        };
    }

    /// <summary>
    /// Checks every model name, the device and every input file (embeddings: present, of this dataset's items, finite,
    /// checksums intact), so a typo or a bad input fails at once instead of after hours of training the models before it.
    /// </summary>
    private void CheckBeforeTraining(PreparedDataset dataset, ComparisonOptions options)
    {
        foreach (var model in options.Models)
        {
            // Teacher runs are trained by the comparison itself.
            var modelOptions = ModelOptionsOf(model, options);
            ModelInputRequirements.Validate(model, modelOptions, options.Training, provided: ModelInput.TeacherRun);
            if (modelOptions.TeacherModel is { } teacher)
            {
                _catalog.RecommenderModel(teacher);
            }
        }
        TorchDevice.Parse(options.Training.Device);
        // So only the given files are checked here.
        var (inputs, _) = ModelInputs.Load(options.Training with { TeacherRunDirectory = null }, ModelOptionsOf(options.Models[0], options), dataset, _catalog);
        inputs.Dispose();
    }

    /// <summary>The options <paramref name="model"/> is built from: the comparison's for it, else its registration's.</summary>
    private RecommenderModelOptions ModelOptionsOf(string model, ComparisonOptions options)
        => options.ModelOptions.FirstOrDefault(entry => string.Equals(entry.Key, model, StringComparison.OrdinalIgnoreCase)).Value
            ?? _catalog.RecommenderModel(model).Options;

    private ComparisonRun RunOnce(string model, int seed, int index, int total, PreparedDataset dataset, string? datasetFolder,
        ComparisonOptions options, EvaluationProtocol[] protocols, Dictionary<(string, int), ComparisonRun> finished,
        IProgress<ComparisonProgress>? progress, CancellationToken cancellationToken)
    {
        if (finished.TryGetValue((model, seed), out var done))
        {
            return done;
        }
        var runDirectory = new RunDirectory(RunDirectoryOf(options.OutputDirectory, model, seed));
        progress?.Report(new ComparisonProgress { Model = model, Seed = seed, Run = index, Runs = total });
        ComparisonRun outcome;
        try
        {
            var training = options.Training with { Model = model, Seed = seed, EvaluationProtocol = protocols[0].ToString() };
            var modelOptions = ModelOptionsOf(model, options);
            if (modelOptions.TeacherModel is { } teacherModel)
            {
                var teacher = RunOnce(teacherModel, seed, index, total, dataset, datasetFolder, options, protocols, finished, progress, cancellationToken);
                if (!teacher.Succeeded)
                {
                    throw new InvalidOperationException($"its teacher {teacherModel} (seed {seed}) failed: {teacher.Error}");
                }
                training = training with { TeacherRunDirectory = teacher.RunDirectory };
            }
            outcome = TrainAndEvaluate(model, seed, index, total, training, modelOptions, runDirectory, dataset, datasetFolder, protocols, progress, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "{Model} with seed {Seed} failed.", model, seed);
            outcome = new ComparisonRun
            {
                Model = model,
                Seed = seed,
                RunDirectory = runDirectory.Path,
                Manifest = ReadManifestOrNull(runDirectory),
                Error = $"{e.GetType().Name}: {e.Message}",
            };
        }
        finished[(model, seed)] = outcome;
        progress?.Report(new ComparisonProgress { Model = model, Seed = seed, Run = index, Runs = total, Finished = outcome });
        return outcome;
    }

    /// <summary><paramref name="options"/> with the paths of the inputs <paramref name="declared"/> leaves out taken from <paramref name="source"/>.</summary>
    private static TrainingOptions WithUndeclaredInputsOf(TrainingOptions options, TrainingOptions source, ModelInput declared) => options with
    {
        SemanticEmbeddingsPath = declared.HasFlag(ModelInput.SemanticEmbeddings) ? options.SemanticEmbeddingsPath : source.SemanticEmbeddingsPath,
        RawSemanticEmbeddingsPath = declared.HasFlag(ModelInput.RawSemanticEmbeddings) ? options.RawSemanticEmbeddingsPath : source.RawSemanticEmbeddingsPath,
        UserEmbeddingsPath = declared.HasFlag(ModelInput.UserEmbeddings) ? options.UserEmbeddingsPath : source.UserEmbeddingsPath,
        TeacherRunDirectory = declared.HasFlag(ModelInput.TeacherRun) ? options.TeacherRunDirectory : source.TeacherRunDirectory,
    };

    /// <summary>
    /// <paramref name="options"/> with the backbone sizes it gives <paramref name="model"/> written out: a run that
    /// recorded them explicitly (every run before they became optional overrides) and a request that leaves them to
    /// the model's defaults ask for the same model when the values agree.
    /// </summary>
    private static TrainingOptions WithBackboneSizesOf(TrainingOptions options, RecommenderModelOptions model)
    {
        var backbone = options.BackboneFor(model);
        return options with { HiddenSize = backbone.HiddenSize, Heads = backbone.Heads };
    }

    private ComparisonRun TrainAndEvaluate(string model, int seed, int index, int total, TrainingOptions training, RecommenderModelOptions modelOptions, RunDirectory runDirectory,
        PreparedDataset dataset, string? datasetFolder, EvaluationProtocol[] protocols,
        IProgress<ComparisonProgress>? progress, CancellationToken cancellationToken)
    {
        var mode = TrainingRunMode.New;
        bool reuse = false;
        if (runDirectory.HoldsRun)
        {
            var previous = RunManifest.Read(runDirectory.Manifest);
            bool sameInputs = previous.Dataset.Fingerprint == dataset.Fingerprint && previous.ConfigurationDifferences(_configuration).Count == 0
                && previous.Options.Model == training.Model
                && RunManifest.ModelOptionDifferences(TrainedRun.ModelOptions(_catalog, previous), modelOptions).Count == 0;
            // Inputs the model does not declare are never read by it, so they do not make its training differ (an
            // id-only run stays reusable when another model of the comparison gets other embeddings).
            var recorded = WithBackboneSizesOf(WithUndeclaredInputsOf(previous.Options, training, modelOptions.Inputs), modelOptions) with { Device = training.Device };
            var requested = WithBackboneSizesOf(training, modelOptions);
            bool sameOptions = sameInputs && recorded == requested;
            // The long-tail groups only split the test reports (never training or model selection), so a completed
            // run is reused and re-evaluated under other groups.
            bool sameTraining = sameInputs && recorded with { LongTail = training.LongTail } == requested;
            reuse = sameTraining && previous.Completed && File.Exists(runDirectory.BestWeights);
            mode = sameOptions && !previous.Completed ? TrainingRunMode.Resume : TrainingRunMode.Overwrite;
            if (mode == TrainingRunMode.Resume)
            {
                // The interrupted run continues with the paths it recorded for the inputs its model does not read, so
                // resuming checks it against its own options.
                training = WithUndeclaredInputsOf(training, previous.Options, modelOptions.Inputs) with
                {
                    HiddenSize = previous.Options.HiddenSize,
                    Heads = previous.Options.Heads,
                };
            }
        }

        SequentialRecommender recommender;
        RunManifest manifest;
        EvaluationReport? trainedTest = null;
        if (reuse)
        {
            _logger.LogInformation("Reusing the completed run of {Model} with seed {Seed} in {Run}.", model, seed, runDirectory.Path);
            manifest = RunManifest.Read(runDirectory.Manifest);
            recommender = TrainedRun.LoadBestModel(_catalog, runDirectory, dataset, TorchDevice.Parse(training.Device));
        }
        else
        {
            var request = new TrainingRequest { Dataset = dataset, DatasetFolder = datasetFolder, Options = training, ModelOptions = modelOptions, RunDirectory = runDirectory.Path, Mode = mode };
            var trainingProgress = progress is null ? null : new RelayProgress<TrainingProgress>(p =>
                progress.Report(new ComparisonProgress { Model = model, Seed = seed, Run = index, Runs = total, Training = p }));
            var result = _trainer.Train(request, trainingProgress, cancellationToken);
            recommender = result.Model;
            manifest = result.Manifest;
            trainedTest = result.Test;
        }

        using (recommender)
        {
            var reports = new Dictionary<string, EvaluationReport>(StringComparer.Ordinal);
            foreach (var protocol in protocols)
            {
                var report = trainedTest is not null && protocol == protocols[0]
                    ? trainedTest
                    : RankingEvaluator.Evaluate(recommender, dataset, DataSplit.Test, training.EvaluationSettings(protocol), cancellationToken);
                report.WriteJson(MetricsFileOf(runDirectory.Path, protocol));
                reports[protocol.ToString()] = report;
            }
            return new ComparisonRun
            {
                Model = model,
                Seed = seed,
                RunDirectory = runDirectory.Path,
                Manifest = manifest,
                Reports = reports,
                Reused = reuse,
            };
        }
    }

    private static RunManifest? ReadManifestOrNull(RunDirectory run)
    {
        try
        {
            return run.HoldsRun ? RunManifest.Read(run.Manifest) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    /// <summary>Forwards reports synchronously (unlike <see cref="Progress{T}"/>, which posts to a synchronisation context).</summary>
    private sealed class RelayProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
