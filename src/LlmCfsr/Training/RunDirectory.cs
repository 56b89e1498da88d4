using LlmCfsr.Storage;

namespace LlmCfsr.Training;

/// <summary>
/// The files of a run directory (docs/training.md): <c>run.json</c> (manifest), <c>model.safetensors</c> (best
/// weights), <c>metrics.json</c> (test metrics) and <c>SHA256SUMS</c> over those three, written after them; and
/// <c>checkpoints/epoch-NNNN/</c>, the last completed epoch's consistent set (weights, best weights, optimizer,
/// trainer and RNG state, its own <c>SHA256SUMS</c> written last) for resuming. The writer holds
/// <see cref="FolderLock.FileName"/>.
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

    /// <summary>The folder of epoch checkpoints.</summary>
    public string Checkpoints => System.IO.Path.Combine(Path, "checkpoints");

    /// <summary>Whether the directory holds a run (finished or not).</summary>
    public bool HoldsRun => File.Exists(Manifest);

    /// <summary>The files <c>SHA256SUMS</c> covers at the top of the directory.</summary>
    internal static IReadOnlyList<string> PublishedFiles { get; } = ["run.json", "model.safetensors", "metrics.json"];

    /// <summary>
    /// Checks the published files against <c>SHA256SUMS</c>, so weights, manifest and metrics that do not belong
    /// together (a write cut short) or a damaged file are refused with the file named. Runs written before checksums
    /// existed have no <c>SHA256SUMS</c> and are not checked.
    /// </summary>
    /// <exception cref="InvalidDataException">A file is damaged, missing or newer than the checksums.</exception>
    public void Verify()
    {
        if (ChecksumManifest.Exists(Path))
        {
            try
            {
                ChecksumManifest.Verify(Path, PublishedFiles);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{e.Message} If the run was interrupted, 'llmcfsr train --resume' with the same options rebuilds it from its last checkpoint.", e);
            }
        }
    }

    /// <summary>Whether <see cref="Verify"/> passes.</summary>
    internal bool IsIntact()
    {
        try
        {
            Verify();
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Writes <c>SHA256SUMS</c> over the published files that exist.</summary>
    internal void WriteChecksums(AtomicFileWriter writer)
        => ChecksumManifest.Write(writer, Path, PublishedFiles.Where(name => File.Exists(System.IO.Path.Combine(Path, name))));

    /// <summary>
    /// Deletes the run's own files (manifest, weights, metrics reports, checksums, checkpoints) and nothing else, so
    /// a mistaken directory never loses unrelated files.
    /// </summary>
    public void DeleteRun()
    {
        var ownFiles = new[] { ChecksumManifest.PathIn(Path), Manifest, BestWeights }
            .Concat(Directory.EnumerateFiles(Path, "metrics*.json"));
        foreach (var file in ownFiles)
        {
            File.Delete(file);
        }
        if (Directory.Exists(Checkpoints))
        {
            Directory.Delete(Checkpoints, recursive: true);
        }
    }
}
