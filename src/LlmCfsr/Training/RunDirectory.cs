namespace LlmCfsr.Training;

/// <summary>
/// The files of a run directory: <c>run.json</c> (manifest), <c>model.safetensors</c> (best weights),
/// <c>metrics.json</c> (test metrics) and <c>checkpoint/</c> (last epoch's weights, optimizer and RNG state, for resuming).
/// </summary>
public sealed class RunDirectory
{
    /// <summary>Wraps <paramref name="path"/>.</summary>
    public RunDirectory(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>The run manifest.</summary>
    public string Manifest => System.IO.Path.Combine(Path, "run.json");

    /// <summary>The best weights.</summary>
    public string BestWeights => System.IO.Path.Combine(Path, "model.safetensors");

    /// <summary>The test metrics (format of <see cref="Evaluation.EvaluationReport.WriteJson"/>).</summary>
    public string Metrics => System.IO.Path.Combine(Path, "metrics.json");

    /// <summary>The checkpoint folder.</summary>
    public string Checkpoint => System.IO.Path.Combine(Path, "checkpoint");

    /// <summary>The last epoch's weights.</summary>
    public string LastWeights => System.IO.Path.Combine(Checkpoint, "last.safetensors");

    /// <summary>The optimizer state after the last epoch.</summary>
    public string OptimizerState => System.IO.Path.Combine(Checkpoint, "optimizer.bin");

    /// <summary>Epoch counter, early-stopping state and RNG state after the last epoch.</summary>
    public string TrainerState => System.IO.Path.Combine(Checkpoint, "state.json");

    /// <summary>Whether the directory holds a run (finished or not).</summary>
    public bool HoldsRun => File.Exists(Manifest);

    /// <summary>
    /// Deletes the run's own files (manifest, weights, metrics reports, checkpoint) and nothing else, so a
    /// mistaken directory never loses unrelated files.
    /// </summary>
    public void DeleteRun()
    {
        foreach (var file in new[] { Manifest, BestWeights }.Concat(Directory.EnumerateFiles(Path, "metrics*.json")))
        {
            File.Delete(file);
        }
        if (Directory.Exists(Checkpoint))
        {
            Directory.Delete(Checkpoint, recursive: true);
        }
    }
}
