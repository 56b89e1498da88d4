using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Losses;
using LlmCfsr.Models;
using LlmCfsr.Runtime;
using LlmCfsr.Sequences;
using LlmCfsr.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// Trains any <see cref="SequentialRecommender"/> registered by name: shuffled mini-batches of training windows,
/// the registered ranking loss through <see cref="SequentialRecommender.ComputeLoss"/>, Adam or AdamW with
/// gradient clipping, validation after every epoch with early stopping on NDCG@10, the best weights kept, and
/// a checkpoint (weights, optimizer, RNG state) after every epoch so an interrupted run resumes to the same
/// result. Every file is written atomically through the registered <see cref="AtomicFileWriter"/> (default
/// <see cref="AtomicFileWriter.Default"/>), each set is closed by checksums, and the run directory is locked while
/// training (docs/training.md). Seeded CPU runs are repeatable. Only one training may run per process at a time, because dropout,
/// shuffling, masking and negatives share torch's default generator.
/// </summary>
public sealed class RecommenderTrainer
{
    private const string SelectionMetric = "NDCG@10";
    private readonly IServiceProvider _services;
    private readonly ComponentCatalog _catalog;
    private readonly ILogger<RecommenderTrainer> _logger;

    /// <summary>Creates the trainer over the registered parts.</summary>
    public RecommenderTrainer(IServiceProvider services, ILogger<RecommenderTrainer>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
        _catalog = services.GetRequiredService<ComponentCatalog>();
        _logger = logger ?? NullLogger<RecommenderTrainer>.Instance;
    }

    /// <summary>
    /// Trains, evaluates the best weights on the test split and writes the run directory. Returns the model
    /// (best weights, evaluation mode; the caller disposes it), the manifest and the test report.
    /// </summary>
    /// <exception cref="ArgumentException">Invalid options, unknown part names, a run directory that holds another run, or a resume that does not match the run.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged; the message names the file.</exception>
    /// <exception cref="IOException">Another process is writing the run directory; the message names its PID.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the last completed epoch's checkpoint stays for resuming.</exception>
    public TrainingResult Train(TrainingRequest request, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        options.Validate();
        var dataset = request.Dataset;
        var run = new RunDirectory(request.RunDirectory);
        var device = TorchDevice.Parse(options.Device);
        var modelFactory = _catalog.RecommenderModel(options.Model);
        var evaluation = options.EvaluationSettings(device: device);

        var writer = _services.GetService<AtomicFileWriter>() ?? AtomicFileWriter.Default;
        using var runLock = FolderLock.Acquire(run.Path);
        var resumeFrom = PrepareDirectory(run, request, dataset);
        using var threads = TorchThreadPolicy.Use(ConfiguredThreads(_services));
        torch.manual_seed(options.Seed);
        var (model, inputs) = CreateModel(modelFactory, dataset, options, _services, _catalog);
        try
        {
            var lossName = options.Loss ?? model.DefaultLoss ?? (model.Direction == SequenceDirection.Causal ? "bce" : "ce");
            var loss = _catalog.RankingLoss(lossName);
            var objective = ResolveObjective(options.Objective, model.Direction);
            var manifest = new RunManifest
            {
                Options = options,
                Loss = loss.Name,
                Objective = objective,
                Configuration = ConfigurationSnapshot.Capture(_services),
                Dataset = new RunDataset
                {
                    Name = dataset.Name,
                    Fingerprint = dataset.Fingerprint,
                    Users = dataset.UserCount,
                    Items = dataset.ItemCount,
                    Folder = request.DatasetFolder is null ? null : Path.GetFullPath(request.DatasetFolder),
                },
                Inputs = inputs,
            };
            model.to(device);
            using var optimizer = CreateOptimizer(model, options);
            using var windows = new TrainingWindows(dataset, options.MaxLength);
            using var negatives = new NegativeSampler(dataset);

            var state = new TrainerState { Epoch = 0, BestNdcg = double.NegativeInfinity, BestEpoch = 0, EpochsWithoutImprovement = 0, RandomState = "", History = [] };
            string? bestWeights = null;
            if (resumeFrom is not null)
            {
                state = resumeFrom.State;
                resumeFrom.Restore(model, optimizer);
                using var rng = tensor(Convert.FromBase64String(state.RandomState), dtype: ScalarType.Byte);
                torch.random.set_rng_state(rng);
                bestWeights = resumeFrom.BestWeights;
                // The published weights may be older than the checkpoint when the run stopped between the two.
                writer.Copy(bestWeights, run.BestWeights);
                _logger.LogInformation("Resuming {Model} in {Run} after epoch {Epoch} (best NDCG@10 {Best:F4} at epoch {BestEpoch}).",
                    options.Model, run.Path, state.Epoch, state.BestNdcg, state.BestEpoch);
            }
            manifest = manifest with { History = state.History, BestEpoch = state.BestEpoch };
            Publish(writer, run, manifest);

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
                var (meanLoss, throughput) = RunEpoch(model, optimizer, loss, objective, windows, negatives, options, epoch, device, progress, cancellationToken);
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
                var checkpoint = TrainingCheckpoint.Write(writer, run, state, model, optimizer, improved ? null : bestWeights);
                bestWeights = checkpoint.BestWeights;
                if (improved)
                {
                    writer.Copy(bestWeights, run.BestWeights);
                }
                manifest = manifest with { History = state.History, BestEpoch = state.BestEpoch };
                Publish(writer, run, manifest);
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

            if (state.BestEpoch == 0 || bestWeights is null)
            {
                throw new InvalidOperationException($"{run.Manifest}: no epoch was validated, so there are no best weights to test.");
            }
            WeightFiles.Load(model, bestWeights);
            model.eval();
            var test = RankingEvaluator.Evaluate(model, dataset, DataSplit.Test, evaluation, cancellationToken);
            writer.WriteAllText(run.Metrics, test.ToJson());
            manifest = manifest with { Completed = true, StoppedEarly = stoppedEarly, Test = test.Groups[EvaluationGroupNames.Overall].Metrics };
            Publish(writer, run, manifest);
            _logger.LogInformation("Best epoch {BestEpoch}; test NDCG@10 {Ndcg:F4}, HR@10 {Hr:F4} ({Protocol}).",
                state.BestEpoch, manifest.Test.GetValueOrDefault("NDCG@10"), manifest.Test.GetValueOrDefault("HR@10"), evaluation.Protocol);
            return new TrainingResult { Model = model, Manifest = manifest, Test = test };
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Writes <c>run.json</c>, then the checksums of the published files (last, so they close the set).</summary>
    private static void Publish(AtomicFileWriter writer, RunDirectory run, RunManifest manifest)
    {
        manifest.Write(run.Manifest, writer);
        run.WriteChecksums(writer);
    }

    /// <summary>
    /// Creates a model with fresh parameters through <paramref name="factory"/>, after loading and checking the
    /// inputs <paramref name="options"/> names (embeddings, teacher run); returns the inputs' records for run.json.
    /// </summary>
    internal static (SequentialRecommender Model, IReadOnlyList<ModelInputRecord> Inputs) CreateModel(
        IRecommenderModelFactory factory, PreparedDataset dataset, TrainingOptions options, IServiceProvider services, ComponentCatalog catalog)
    {
        var (context, inputs) = ModelInputs.Load(options, dataset, services, catalog);
        try
        {
            return (factory.Create(context), inputs);
        }
        finally
        {
            // Models copy what they keep; the teacher table is only needed while the model is built.
            context.TeacherItemEmbeddings?.Dispose();
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
        OptimizerKind.Adam => optim.Adam(model.parameters(), options.LearningRate, 0.9, 0.98, 1e-8, options.WeightDecay),
        OptimizerKind.AdamW => optim.AdamW(model.parameters(), options.LearningRate, 0.9, 0.98, 1e-8, options.WeightDecay),
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

    /// <summary>
    /// <see cref="LlmCfsrOptions.Threads"/> (0 = not set): the training runs with <see cref="TorchThreadPolicy"/>'s
    /// count, and the process's previous count is restored afterwards.
    /// </summary>
    private static int ConfiguredThreads(IServiceProvider services) =>
        services.GetService<Microsoft.Extensions.Options.IOptions<LlmCfsrOptions>>()?.Value.Threads ?? 0;

    private static string SaveRandomState()
    {
        using var state = torch.random.get_rng_state();
        return Convert.ToBase64String(state.data<byte>().ToArray());
    }

    /// <summary>Applies <see cref="TrainingRequest.Mode"/>; returns the checkpoint to resume from, or null to start afresh.</summary>
    private static TrainingCheckpoint? PrepareDirectory(RunDirectory run, TrainingRequest request, PreparedDataset dataset)
    {
        if (request.Mode == TrainingRunMode.Resume && !run.HoldsRun)
        {
            throw new ArgumentException($"{run.Path} holds no run to resume ({Path.GetFileName(run.Manifest)} is missing); start it without --resume.");
        }
        if (run.HoldsRun)
        {
            switch (request.Mode)
            {
                case TrainingRunMode.New:
                    throw new ArgumentException($"{run.Path} already holds a run; choose another directory, overwrite it or resume it.");
                case TrainingRunMode.Overwrite:
                    run.DeleteRun();
                    break;
                case TrainingRunMode.Resume:
                    var previous = RunManifest.Read(run.Manifest);
                    // A completed run whose published files do not match their checksums stopped while publishing them
                    // (or was damaged since): resuming rebuilds them from the last checkpoint.
                    if (previous.Completed && run.IsIntact())
                    {
                        throw new ArgumentException($"{run.Manifest}: the run is already complete; there is nothing to resume.");
                    }
                    var differences = previous.OptionDifferences(request.Options);
                    if (differences.Count > 0)
                    {
                        throw new ArgumentException($"{run.Manifest}: the run was started with other options; resume it with the same ones ({string.Join("; ", differences)}).");
                    }
                    if (previous.Dataset.Fingerprint != dataset.Fingerprint)
                    {
                        throw new ArgumentException($"{run.Manifest}: the run was trained on dataset {previous.Dataset.Fingerprint}, not on {dataset.Fingerprint}.");
                    }
                    return TrainingCheckpoint.FindLatest(run);
            }
        }
        return null;
    }
}
