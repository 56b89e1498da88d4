using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Storage;
using Microsoft.Extensions.Logging;
using TorchSharp.Modules;

namespace LlmCfsr.Training;

/// <summary>
/// One run directory while it is trained (docs/training.md): holds its lock, applies the <see cref="TrainingRunMode"/>
/// (refuse, overwrite or resume), writes the checkpoint of every epoch and the best weights, and publishes
/// <c>run.json</c>, <c>metrics.json</c> and the <c>SHA256SUMS</c> that close them. Every file goes through the
/// <see cref="AtomicFileWriter"/>.
/// </summary>
internal sealed class TrainingRun : ITrainingCheckpoints, IDisposable
{
    private readonly RunDirectory _run;
    private readonly AtomicFileWriter _writer;
    private readonly IDisposable _lock;
    private readonly TrainingCheckpoint? _resumeFrom;
    private readonly ILogger _logger;
    private RunManifest? _manifest;
    private string? _bestWeights;

    private TrainingRun(RunDirectory run, AtomicFileWriter writer, IDisposable folderLock, TrainingCheckpoint? resumeFrom, ILogger logger)
    {
        _run = run;
        _writer = writer;
        _lock = folderLock;
        _resumeFrom = resumeFrom;
        _logger = logger;
    }

    /// <summary>The run directory.</summary>
    public RunDirectory Directory => _run;

    /// <summary>
    /// Locks <see cref="TrainingRequest.RunDirectory"/> and applies <see cref="TrainingRequest.Mode"/>: a new run
    /// needs a directory without one, an overwrite deletes the run's own files, a resume checks that options and
    /// dataset match and finds the last complete checkpoint.
    /// </summary>
    /// <exception cref="ArgumentException">The directory holds another run, or a resume does not match it.</exception>
    /// <exception cref="InvalidDataException">The checkpoint to resume from is damaged; the message names the file.</exception>
    /// <exception cref="IOException">Another process is writing the directory; the message names its PID.</exception>
    public static TrainingRun Open(TrainingRequest request, RecommenderModelOptions modelOptions,
        ComponentCatalog catalog, AtomicFileWriter writer, ILogger logger)
    {
        var run = new RunDirectory(request.RunDirectory);
        var folderLock = FolderLock.Acquire(run.Path);
        try
        {
            return new TrainingRun(run, writer, folderLock, PrepareDirectory(run, request, modelOptions, catalog), logger);
        }
        catch
        {
            folderLock.Dispose();
            throw;
        }
    }

    /// <summary>Publishes the manifest of the run as it starts (or resumes: with the history of the checkpoint).</summary>
    public void Start(RunManifest manifest)
    {
        _manifest = _resumeFrom is null ? manifest : manifest with { History = _resumeFrom.State.History, BestEpoch = _resumeFrom.State.BestEpoch };
        Publish();
    }

    /// <inheritdoc />
    public TrainerState? Restore(SequentialRecommender model, OptimizerHelper optimizer)
    {
        if (_resumeFrom is null)
        {
            return null;
        }
        _resumeFrom.Restore(model, optimizer);
        _bestWeights = _resumeFrom.BestWeights;
        // The published weights may be older than the checkpoint when the run stopped between the two.
        _writer.Copy(_bestWeights, _run.BestWeights);
        var state = _resumeFrom.State;
        _logger.LogInformation("Resuming {Model} in {Run} after epoch {Epoch} (best NDCG@10 {Best:F4} at epoch {BestEpoch}).",
            Manifest.Options.Model, _run.Path, state.Epoch, state.BestNdcg, state.BestEpoch);
        return state;
    }

    /// <inheritdoc />
    public void EpochCompleted(TrainerState state, SequentialRecommender model, OptimizerHelper optimizer, bool improved)
    {
        var checkpoint = TrainingCheckpoint.Write(_writer, _run, state, model, optimizer, improved ? null : _bestWeights);
        _bestWeights = checkpoint.BestWeights;
        if (improved)
        {
            _writer.Copy(_bestWeights, _run.BestWeights);
        }
        _manifest = Manifest with { History = state.History, BestEpoch = state.BestEpoch };
        Publish();
    }

    /// <inheritdoc />
    public void LoadBest(SequentialRecommender model)
    {
        if (_bestWeights is null)
        {
            throw new InvalidOperationException($"{_run.Manifest}: no epoch was validated, so there are no best weights to test.");
        }
        WeightFiles.Load(model, _bestWeights);
    }

    /// <summary>Writes the test report to <c>metrics.json</c> and publishes the completed manifest; returns it.</summary>
    public RunManifest Complete(EvaluationReport test, bool stoppedEarly)
    {
        _writer.WriteAllText(_run.Metrics, test.ToJson());
        _manifest = Manifest with { Completed = true, StoppedEarly = stoppedEarly, Test = test.Groups[EvaluationGroupNames.Overall].Metrics };
        Publish();
        return _manifest;
    }

    /// <inheritdoc />
    public void Dispose() => _lock.Dispose();

    private RunManifest Manifest => _manifest ?? throw new InvalidOperationException("The run has not started.");

    /// <summary>Writes <c>run.json</c>, then the checksums of the published files (last, so they close the set).</summary>
    private void Publish()
    {
        Manifest.Write(_run.Manifest, _writer);
        _run.WriteChecksums(_writer);
    }

    /// <summary>Applies <see cref="TrainingRequest.Mode"/>; returns the checkpoint to resume from, or null to start afresh.</summary>
    private static TrainingCheckpoint? PrepareDirectory(RunDirectory run, TrainingRequest request, RecommenderModelOptions modelOptions,
        ComponentCatalog catalog)
    {
        var dataset = request.Dataset;
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
                    var recorded = RunManifest.Read(run.Manifest);
                    var previous = recorded.WithCurrentInputOptions(TrainedRun.ModelOptions(catalog, recorded));
                    // A completed run whose published files do not match their checksums stopped while publishing them
                    // (or was damaged since): resuming rebuilds them from the last checkpoint.
                    if (previous.Completed && run.IsIntact())
                    {
                        throw new ArgumentException($"{run.Manifest}: the run is already complete; there is nothing to resume.");
                    }
                    var differences = previous.OptionDifferences(request.Options)
                        .Concat(RunManifest.ModelOptionDifferences(TrainedRun.ModelOptions(catalog, previous), modelOptions))
                        .Concat(previous.PartOptionDifferences(catalog)).ToList();
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
