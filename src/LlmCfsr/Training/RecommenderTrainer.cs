using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Losses;
using LlmCfsr.Models;
using LlmCfsr.Runtime;
using LlmCfsr.Sequences;
using LlmCfsr.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// Fits a <see cref="SequentialRecommender"/> (<see cref="Fit(SequentialRecommender, PreparedDataset, TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>):
/// shuffled mini-batches of training windows, the registered ranking loss through
/// <see cref="SequentialRecommender.ComputeLoss"/>, Adam or AdamW with gradient clipping, validation after every epoch
/// with early stopping on NDCG@10 and the best weights kept. <see cref="Train"/> adds the run directory
/// (<see cref="TrainingRun"/>): it builds the registered model the options name, checkpoints every epoch (weights,
/// optimizer, RNG state) so an interrupted run resumes to the same result, tests the best weights and publishes the
/// run, every file written atomically through the registered <see cref="AtomicFileWriter"/> (default
/// <see cref="AtomicFileWriter.Default"/>), each set closed by checksums, the directory locked while training
/// (docs/training.md). Seeded CPU runs are repeatable. Only one training runs per process at a time, because
/// dropout, shuffling, masking and negatives share torch's default generator: concurrent calls wait for each other.
/// </summary>
public sealed class RecommenderTrainer
{
    private const string SelectionMetric = "NDCG@10";

    // Process-wide: every trainer seeds and draws from torch's one default generator, so two trainings that interleaved
    // would each get the other's draws and neither would be repeatable.
    private static readonly Lock OneTrainingAtATime = new();
    private readonly ComponentCatalog _catalog;
    private readonly AtomicFileWriter _writer;
    private readonly ILogger<RecommenderTrainer> _logger;
    private readonly int _threads;

    /// <summary>
    /// Creates the trainer over the parts registered in <paramref name="catalog"/>, with the SDK settings
    /// <paramref name="options"/> (<see cref="LlmCfsrOptions.Threads"/>; default: automatic), the file writer
    /// <paramref name="writer"/> (default <see cref="AtomicFileWriter.Default"/>) and <paramref name="logger"/>.
    /// <c>services.AddLlmCfsr()</c> registers it: resolve it from the provider.
    /// </summary>
    public RecommenderTrainer(ComponentCatalog catalog, IOptions<LlmCfsrOptions>? options = null, AtomicFileWriter? writer = null, ILogger<RecommenderTrainer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _writer = writer ?? AtomicFileWriter.Default;
        _logger = logger ?? NullLogger<RecommenderTrainer>.Instance;
        // LlmCfsrOptions.Threads (0 = not set): a fit runs with TorchThreadPolicy's count, and the process's previous
        // count is restored afterwards.
        _threads = options?.Value.Threads ?? 0;
    }

    /// <summary>
    /// Trains the model <see cref="TrainingOptions.Model"/> names in a run directory: builds it from
    /// <see cref="TrainingRequest.ModelOptions"/> (default: the registration's) (after seeding torch's
    /// default generator with <see cref="TrainingOptions.Seed"/>; its previous state is restored when <c>Train</c>
    /// returns, as is the thread count) with the inputs the options name, fits it with a checkpoint after every
    /// epoch (or resumes from the last one), evaluates the best weights on the test split and publishes the run.
    /// Returns the model (best weights, evaluation mode; the caller disposes it), the manifest and the test report.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, unknown part names, a run directory that holds another run, or a resume that does not match the run.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged; the message names the file.</exception>
    /// <exception cref="IOException">Another process is writing the run directory; the message names its PID.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the last completed epoch's checkpoint stays for resuming.</exception>
    public TrainingResult Train(TrainingRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (OneTrainingAtATime)
        {
            return TrainAlone(request, progress, cancellationToken);
        }
    }

    private TrainingResult TrainAlone(TrainingRequest request, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var options = request.Options;
        options.Validate();
        var dataset = request.Dataset;
        var modelFactory = _catalog.RecommenderModel(options.Model);
        var modelOptions = request.ModelOptions ?? modelFactory.Options;
        ModelInputRequirements.Validate(modelFactory.Name, modelOptions, options);
        var evaluation = options.EvaluationSettings();

        using var run = TrainingRun.Open(request, modelOptions, _catalog, _writer, _logger);
        using var threads = TorchThreadPolicy.Use(_threads);
        using var generator = DefaultGeneratorState.Save();
        torch.manual_seed(options.Seed);
        var (model, inputs) = CreateModel(modelFactory, modelOptions, dataset, options, _catalog);
        try
        {
            var loss = ResolveLoss(model, options);
            var objective = ResolveObjective(options.Objective, model.Direction);
            run.Start(new RunManifest
            {
                Options = options,
                Loss = loss.Name,
                Objective = objective,
                ModelOptions = RecommenderModels.Serialize(modelOptions),
                PartOptions = _catalog.PartOptions(),
                Dataset = new RunDataset
                {
                    Name = dataset.Name,
                    Fingerprint = dataset.Fingerprint,
                    Users = dataset.UserCount,
                    Items = dataset.ItemCount,
                    Folder = request.DatasetFolder is null ? null : Path.GetFullPath(request.DatasetFolder),
                },
                Inputs = inputs,
            });
            var fit = Fit(model, dataset, options, loss, objective, run, progress, cancellationToken);
            var test = RankingEvaluator.Evaluate(model, dataset, DataSplit.Test, evaluation, cancellationToken);
            var manifest = run.Complete(test, fit.StoppedEarly);
            _logger.LogInformation("Best epoch {BestEpoch}; test NDCG@10 {Ndcg:F4}, HR@10 {Hr:F4} ({Protocol}).",
                fit.BestEpoch, manifest.Test!.GetValueOrDefault("NDCG@10"), manifest.Test!.GetValueOrDefault("HR@10"), evaluation.Protocol);
            return new TrainingResult { Model = model, Manifest = manifest, Test = test };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// <see cref="Train"/> on a thread-pool thread, so a host (a web request, a UI) does not block its own thread on the
    /// CPU-bound training; the same result, progress reports and cancellation (a token cancelled before the start gives a
    /// cancelled task, one cancelled during training stops after the current step with the last epoch's checkpoint kept).
    /// </summary>
    /// <exception cref="ArgumentException">As <see cref="Train"/>.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public Task<TrainingResult> TrainAsync(TrainingRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.Run(() => Train(request, progress, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// Fits <paramref name="model"/>, built by the caller, on <paramref name="data"/> with the ranking loss
    /// <see cref="TrainingOptions.Loss"/> (default: the model's, else "bce" for causal and "ce" for bidirectional
    /// models) and returns with the best epoch's weights loaded, the model on <see cref="TrainingOptions.Device"/> in
    /// evaluation mode. Nothing is written (<see cref="Train"/> adds the run directory, checkpoints and resume), and
    /// <see cref="TrainingOptions.Model"/> and the input paths are not read. Initialisation, dropout, shuffling, masking
    /// and negatives draw from torch's default generator as it stands: seed it
    /// (<c>torch.manual_seed(options.Seed)</c>) before building the model for a repeatable fit.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, or a loss or objective that is not registered or does not fit the model.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the model keeps the weights of the interrupted epoch.</exception>
    public FitResult Fit(SequentialRecommender model, PreparedDataset data, TrainingOptions options,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var threads = TorchThreadPolicy.Use(_threads);
        using var bestWeights = new InMemoryBestWeights();
        return Fit(model, data, options, ResolveLoss(model, options), ResolveObjective(options.Objective, model.Direction), bestWeights, progress, cancellationToken);
    }

    private FitResult Fit(SequentialRecommender model, PreparedDataset dataset, TrainingOptions options, IRankingLoss loss, TrainingObjective objective,
        ITrainingCheckpoints checkpoints, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        if (model.MissingTrainingInput is { } missing)
        {
            throw new ArgumentException(missing);
        }
        var evaluation = options.EvaluationSettings();
        var device = evaluation.Device;
        model.to(device);
        using var optimizer = CreateOptimizer(model, options);
        var state = new TrainerState { Epoch = 0, BestNdcg = double.NegativeInfinity, BestEpoch = 0, EpochsWithoutImprovement = 0, RandomState = "", History = [] };
        if (checkpoints.Restore(model, optimizer) is { } resumed)
        {
            state = resumed;
            using var rng = tensor(Convert.FromBase64String(state.RandomState), dtype: ScalarType.Byte);
            torch.random.set_rng_state(rng);
        }

        if (model.TrainsOnOwnSchedule)
        {
            return FitOnOwnSchedule(model, dataset, loss, objective, evaluation, optimizer, checkpoints, state, progress, cancellationToken);
        }
        using var windows = new TrainingWindows(dataset, options.MaxLength);
        using var negatives = new NegativeSampler(dataset, loss.NegativeDistribution);
        bool stoppedEarly = false;
        for (int epoch = state.Epoch + 1; epoch <= options.Epochs; epoch++)
        {
            if (state.EpochsWithoutImprovement >= options.Patience)
            {
                stoppedEarly = true;
                break;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (device.type == DeviceType.CUDA)
            {
                // CUDA dropout draws from the device generator, whose state TorchSharp cannot save: seeding it per
                // epoch makes a resumed run draw what the uninterrupted run drew.
                torch.cuda.manual_seed_all(options.Seed + epoch);
            }
            var schedule = new TrainingEpoch { Number = epoch, Count = options.Epochs, Steps = windows.StepsPerEpoch(options.BatchSize) };
            model.OnEpochStarting(schedule);
            var (meanLoss, throughput) = RunEpoch(model, optimizer, loss, objective, windows, negatives, options, epoch, device, progress, cancellationToken);
            model.OnEpochTrained(schedule);
            model.eval();
            var validation = RankingEvaluator.Evaluate(model, dataset, DataSplit.Validation, evaluation, cancellationToken);
            var metrics = validation.Groups[EvaluationGroupNames.Overall].Metrics;
            double ndcg = metrics[SelectionMetric];
            bool improved = ndcg > state.BestNdcg;
            var record = new EpochRecord { Epoch = epoch, Loss = meanLoss, SequencesPerSecond = throughput, Validation = metrics };
            state = new TrainerState
            {
                Epoch = epoch,
                BestNdcg = improved ? ndcg : state.BestNdcg,
                BestEpoch = improved ? epoch : state.BestEpoch,
                EpochsWithoutImprovement = improved ? 0 : state.EpochsWithoutImprovement + 1,
                RandomState = SaveRandomState(),
                History = [.. state.History, record],
            };
            checkpoints.EpochCompleted(state, model, optimizer, improved);
            _logger.LogInformation("Epoch {Epoch}/{Epochs}: loss {Loss:F4}, {Throughput:F0} sequences/s, validation NDCG@10 {Ndcg:F4}, HR@10 {Hr:F4}{Best}.",
                epoch, options.Epochs, meanLoss, throughput, ndcg, metrics.GetValueOrDefault("HR@10"), improved ? " (best)" : "");
            progress?.Report(new TrainingProgress
            {
                Epoch = epoch,
                Epochs = options.Epochs,
                Step = windows.StepsPerEpoch(options.BatchSize),
                StepsPerEpoch = windows.StepsPerEpoch(options.BatchSize),
                Loss = meanLoss,
                SequencesPerSecond = throughput,
                Validation = metrics,
            });
        }
        stoppedEarly |= state.EpochsWithoutImprovement >= options.Patience && state.Epoch < options.Epochs;

        checkpoints.LoadBest(model);
        model.eval();
        return new FitResult { Loss = loss.Name, Objective = objective, History = state.History, BestEpoch = state.BestEpoch, StoppedEarly = stoppedEarly };
    }

    /// <summary>
    /// A model with a schedule of its own trains by it; the trainer validates the result once and keeps it as the run's one
    /// epoch (a resumed run whose epoch is done keeps it as it is).
    /// </summary>
    private FitResult FitOnOwnSchedule(SequentialRecommender model, PreparedDataset dataset, IRankingLoss loss, TrainingObjective objective,
        EvaluationOptions evaluation, OptimizerHelper optimizer, ITrainingCheckpoints checkpoints, TrainerState state,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        bool converged = true;
        if (state.Epoch == 0)
        {
            var own = model.TrainOnOwnSchedule(progress, cancellationToken);
            converged = own.Converged;
            model.eval();
            var metrics = RankingEvaluator.Evaluate(model, dataset, DataSplit.Validation, evaluation, cancellationToken).Groups[EvaluationGroupNames.Overall].Metrics;
            var record = new EpochRecord { Epoch = 1, Loss = own.BestLoss, SequencesPerSecond = 0, Validation = metrics };
            state = new TrainerState
            {
                Epoch = 1, BestNdcg = metrics[SelectionMetric], BestEpoch = 1, EpochsWithoutImprovement = 0, RandomState = SaveRandomState(), History = [record],
            };
            checkpoints.EpochCompleted(state, model, optimizer, improved: true);
            _logger.LogInformation("{Model} trained by its own schedule: {Epochs} epochs, {LossName} {Loss:F6} at epoch {BestEpoch}, {Stop}; validation NDCG@10 {Ndcg:F4}, HR@10 {Hr:F4}.",
                model.GetName(), own.Epochs, own.LossName, own.BestLoss, own.BestEpoch, own.Converged ? "converged" : "stopped at its epoch limit",
                metrics[SelectionMetric], metrics.GetValueOrDefault("HR@10"));
            progress?.Report(new TrainingProgress { Epoch = 1, Epochs = 1, Step = 1, StepsPerEpoch = 1, Loss = own.BestLoss, SequencesPerSecond = 0, Validation = metrics });
        }
        checkpoints.LoadBest(model);
        model.eval();
        return new FitResult { Loss = loss.Name, Objective = objective, History = state.History, BestEpoch = 1, StoppedEarly = converged };
    }

    /// <summary>
    /// Creates a model with fresh parameters through <paramref name="factory"/> from <paramref name="modelOptions"/>, after loading
    /// and checking the inputs <paramref name="options"/> names (embeddings, teacher run); returns the inputs' records for run.json.
    /// </summary>
    private static (SequentialRecommender Model, IReadOnlyList<ModelInputRecord> Inputs) CreateModel(
        IRecommenderModelFactory factory, RecommenderModelOptions modelOptions, PreparedDataset dataset, TrainingOptions options, ComponentCatalog catalog)
    {
        var (inputs, records) = ModelInputs.Load(options, modelOptions, dataset, catalog);
        // Models keep their own handles on the tables they read; the teacher table is only needed while the model is built.
        using (inputs)
        {
            return (factory.Create(modelOptions, inputs, catalog), records);
        }
    }

    private (double Loss, double SequencesPerSecond) RunEpoch(
        SequentialRecommender model, OptimizerHelper optimizer, IRankingLoss loss, TrainingObjective objective,
        TrainingWindows windows, NegativeSampler negatives, TrainingOptions options, int epoch, Device device,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        model.train();
        double lossSum = 0;
        long sequences = 0;
        var clock = Stopwatch.StartNew();
        using var epochScope = NewDisposeScope();
        var batches = windows.EpochBatches(options.BatchSize, options.BucketByLength);
        int steps = batches.Count;
        for (int step = 0; step < steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using (var scope = NewDisposeScope())
            {
                long size = batches[step].shape[0];
                var batch = windows.Batch(batches[step], objective, options.MaskProbability, device);
                lossSum += Step(model, optimizer, loss, negatives, batch, options.GradientClipNorm) * size;
                sequences += size;
            }
            double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            progress?.Report(new TrainingProgress
            {
                Epoch = epoch,
                Epochs = options.Epochs,
                Step = step + 1,
                StepsPerEpoch = steps,
                Loss = lossSum / sequences,
                SequencesPerSecond = sequences / seconds,
            });
        }
        return (lossSum / Math.Max(1, sequences), sequences / Math.Max(clock.Elapsed.TotalSeconds, 1e-9));
    }

    /// <summary>
    /// One optimisation step on <paramref name="batch"/>: loss, backward, clipping, update. Returns the batch's mean
    /// loss, or 0 when no position of the batch predicts anything (very short histories, no masked position).
    /// </summary>
    internal static double Step(SequentialRecommender model, OptimizerHelper optimizer, IRankingLoss loss, NegativeSampler negatives, TrainingBatch batch, double gradientClipNorm)
    {
        using var scope = NewDisposeScope();
        if (!ItemIds.IsReal(batch.Targets).any().item<bool>())
        {
            return 0;
        }
        optimizer.zero_grad();
        var value = model.ComputeLoss(batch, loss, negatives);
        value.backward();
        if (gradientClipNorm > 0)
        {
            nn.utils.clip_grad_norm_(model.parameters(), gradientClipNorm);
        }
        optimizer.step();
        return value.item<float>();
    }

    internal static OptimizerHelper CreateOptimizer(SequentialRecommender model, TrainingOptions options) => options.Optimizer switch
    {
        // Betas (0.9, 0.98) as in the reference SASRec implementation.
        OptimizerKind.Adam => new Optimizers.Adam(model.parameters(), options.LearningRate, 0.9, 0.98, 1e-8, options.WeightDecay),
        OptimizerKind.AdamW => new Optimizers.AdamW(model.parameters(), options.LearningRate, 0.9, 0.98, 1e-8, options.WeightDecay),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer."),
    };

    private static TrainingObjective ResolveObjective(TrainingObjective requested, SequenceDirection direction)
    {
        var objective = requested == TrainingObjective.Auto
            ? direction == SequenceDirection.Causal ? TrainingObjective.AllPositions : TrainingObjective.Masked
            : requested;
        bool fits = direction == SequenceDirection.Causal ? objective != TrainingObjective.Masked : objective == TrainingObjective.Masked;
        if (!fits)
        {
            throw new ArgumentException($"Objective {objective} does not fit a {direction.ToString().ToLowerInvariant()} model: causal models train on all or last positions, bidirectional ones on masked items.");
        }
        return objective;
    }

    private IRankingLoss ResolveLoss(SequentialRecommender model, TrainingOptions options)
        => _catalog.RankingLoss(options.Loss ?? model.DefaultLoss ?? (model.Direction == SequenceDirection.Causal ? "bce" : "ce"));

    private static string SaveRandomState()
    {
        using var state = torch.random.get_rng_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }
}
