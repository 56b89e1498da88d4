using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Storage;
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
        // SHA-256 by full path of the input files the completed runs are compared with, each file hashed once.
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        var runs = new List<ComparisonRun>();
        int total = options.Models.Count * options.Seeds.Count;
        foreach (string model in options.Models)
        {
            foreach (int seed in options.Seeds)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int index = runs.Count + 1;
                var run = RunOnce(model, seed, index, total, dataset, datasetFolder, options, protocols, finished, hashes, progress, cancellationToken);
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
        // Every file a compared model reads and every file given (a wrong one is a mistake even when no model reads it);
        // the teacher runs do not exist yet.
        var given = ModelInputRequirements.Options.Keys.Where(input => options.Training.PathOf(input) is not null).Aggregate(ModelInput.None, (all, input) => all | input);
        var read = options.Models.Aggregate(given, (all, model) => all | ModelOptionsOf(model, options).Inputs) & ~ModelInput.TeacherRun;
        var (inputs, _) = ModelInputs.Load(options.Training, ModelOptionsOf(options.Models[0], options), dataset, _catalog, load: read);
        inputs.Dispose();
    }

    /// <summary>The options <paramref name="model"/> is built from: the comparison's for it, else its registration's.</summary>
    private RecommenderModelOptions ModelOptionsOf(string model, ComparisonOptions options)
        => options.ModelOptions.FirstOrDefault(entry => string.Equals(entry.Key, model, StringComparison.OrdinalIgnoreCase)).Value
            ?? _catalog.RecommenderModel(model).Options;

    private ComparisonRun RunOnce(string model, int seed, int index, int total, PreparedDataset dataset, string? datasetFolder,
        ComparisonOptions options, EvaluationProtocol[] protocols, Dictionary<(string, int), ComparisonRun> finished, Dictionary<string, string> hashes,
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
                var teacher = RunOnce(teacherModel, seed, index, total, dataset, datasetFolder, options, protocols, finished, hashes, progress, cancellationToken);
                if (!teacher.Succeeded)
                {
                    throw new InvalidOperationException($"its teacher {teacherModel} (seed {seed}) failed: {teacher.Error}");
                }
                training = training with { TeacherRunDirectory = teacher.RunDirectory };
            }
            outcome = TrainAndEvaluate(model, seed, index, total, training, modelOptions, runDirectory, dataset, datasetFolder, protocols, hashes, progress, cancellationToken);
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
    private static TrainingOptions WithUndeclaredInputsOf(TrainingOptions options, TrainingOptions source, ModelInput declared)
        => ModelInputRequirements.Options.Keys.Where(input => !declared.HasFlag(input))
            .Aggregate(options, (result, input) => result.WithPathOf(input, source.PathOf(input)));

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
        PreparedDataset dataset, string? datasetFolder, EvaluationProtocol[] protocols, Dictionary<string, string> hashes,
        IProgress<ComparisonProgress>? progress, CancellationToken cancellationToken)
    {
        var mode = TrainingRunMode.New;
        bool reuse = false;
        if (runDirectory.HoldsRun)
        {
            var read = RunManifest.Read(runDirectory.Manifest);
            var previous = read.WithCurrentInputOptions(TrainedRun.ModelOptions(_catalog, read));
            bool sameInputs = previous.Dataset.Fingerprint == dataset.Fingerprint && previous.PartOptionDifferences(_catalog).Count == 0
                && previous.Options.Model == training.Model
                && RunManifest.ModelOptionDifferences(TrainedRun.ModelOptions(_catalog, previous), modelOptions).Count == 0;
            // Inputs the model does not declare are never read by it, so they do not make its training differ (an
            // id-only run stays reusable when another model of the comparison gets other embeddings).
            var recorded = WithBackboneSizesOf(WithUndeclaredInputsOf(previous.Options, training, modelOptions.Inputs), modelOptions).WithNumericallyNeutralSettingsOf(training);
            var requested = WithBackboneSizesOf(training, modelOptions);
            // The inputs it reads are compared by content (the SHA-256 the run recorded of each file, the teacher's best
            // weights for a teacher run), not by path: a report folder copied elsewhere (its teacher runs inside it) or
            // embeddings moved stay reusable, and a file changed in place is not.
            bool sameFiles = SameInputContent(previous, training, modelOptions.Inputs, hashes);
            bool sameOptions = sameInputs && sameFiles && recorded == requested;
            // The long-tail groups only split the test reports (never training or model selection), so a completed
            // run is reused and re-evaluated under other groups.
            bool sameTraining = sameInputs && sameFiles
                && WithUndeclaredInputsOf(recorded, requested, ModelInput.None) with { LongTail = training.LongTail } == requested;
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
            // From the files this comparison names: their content is the run's (checked above), wherever they are now.
            recommender = TrainedRun.LoadBestModel(_catalog, runDirectory, dataset, TorchDevice.Parse(training.Device), training);
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

    /// <summary>
    /// Whether every input <paramref name="declared"/> names has, at the path <paramref name="training"/> gives it now, the
    /// content <paramref name="run"/> recorded for it (<see cref="ModelInputRecord.Sha256"/>; a teacher run by its best
    /// weights). An input the run has no record of is compared by path, as before runs recorded their inputs.
    /// </summary>
    private static bool SameInputContent(RunManifest run, TrainingOptions training, ModelInput declared, Dictionary<string, string> hashes)
    {
        foreach (var (input, option) in ModelInputRequirements.Options.Where(entry => declared.HasFlag(entry.Key)))
        {
            var path = training.PathOf(input);
            var record = run.Inputs.FirstOrDefault(r => r.Option == option);
            if (path is null || record is null)
            {
                if (path != run.Options.PathOf(input))
                {
                    return false;
                }
                continue;
            }
            var file = input == ModelInput.TeacherRun ? new RunDirectory(path).BestWeights : path;
            if (!File.Exists(file))
            {
                return false;
            }
            var full = Path.GetFullPath(file);
            if (!hashes.TryGetValue(full, out var hash))
            {
                hashes[full] = hash = ChecksumManifest.HashFile(full);
            }
            if (hash != record.Sha256)
            {
                return false;
            }
        }
        return true;
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
