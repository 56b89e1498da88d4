using System.Globalization;
using LlmCfsr.Models;
using LlmCfsr.Storage;
using TorchSharp.Modules;
using TorchSharp.PyBridge;

namespace LlmCfsr.Training;

/// <summary>
/// One epoch's checkpoint, <c>checkpoints/epoch-NNNN/</c>: the weights after the epoch, the best weights so far, the
/// optimizer state and the trainer state (epoch, early stopping, RNG), each written atomically, then
/// <c>SHA256SUMS</c> over them. A folder without <c>SHA256SUMS</c> was cut short and is discarded; a folder whose files
/// do not match it is refused with the file named. So resuming always starts from a consistent set or not at all.
/// </summary>
internal sealed class TrainingCheckpoint
{
    private const string Prefix = "epoch-";
    private const string WeightsFile = "weights.safetensors";
    private const string BestFile = "best.safetensors";
    private const string OptimizerFile = "optimizer.bin";
    private const string StateFile = "state.json";

    private TrainingCheckpoint(string folder, TrainerState state)
    {
        Folder = folder;
        State = state;
    }

    public string Folder { get; }

    public TrainerState State { get; }

    public string Weights => Path.Combine(Folder, WeightsFile);

    public string BestWeights => Path.Combine(Folder, BestFile);

    public string Optimizer => Path.Combine(Folder, OptimizerFile);

    /// <summary>
    /// Writes the checkpoint of <paramref name="state"/>'s epoch and deletes every other one. The best weights are the
    /// model's when <paramref name="previousBest"/> is null (this epoch improved), else a copy of that file.
    /// </summary>
    public static TrainingCheckpoint Write(AtomicFileWriter writer, RunDirectory run, TrainerState state, SequentialRecommender model, OptimizerHelper optimizer, string? previousBest)
    {
        var folder = Path.Combine(run.Checkpoints, Prefix + state.Epoch.ToString("D4", CultureInfo.InvariantCulture));
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
        var checkpoint = new TrainingCheckpoint(folder, state);
        writer.WriteThrough(checkpoint.Weights, temporary => model.save_safetensors(temporary));
        if (previousBest is null)
        {
            writer.Copy(checkpoint.Weights, checkpoint.BestWeights);
        }
        else
        {
            writer.Copy(previousBest, checkpoint.BestWeights);
        }
        writer.WriteThrough(checkpoint.Optimizer, temporary => optimizer.save_state_dict(temporary));
        state.Write(writer, Path.Combine(folder, StateFile));
        ChecksumManifest.Write(writer, folder, [WeightsFile, BestFile, OptimizerFile, StateFile]);
        foreach (var other in Directory.EnumerateDirectories(run.Checkpoints, Prefix + "*").Where(f => f != folder))
        {
            Directory.Delete(other, recursive: true);
        }
        return checkpoint;
    }

    /// <summary>
    /// The newest complete checkpoint of <paramref name="run"/>, verified against its checksums, or null when no epoch
    /// was completed; checkpoints cut short are deleted (the caller holds the run's lock).
    /// </summary>
    /// <exception cref="InvalidDataException">The newest complete checkpoint is damaged; the message names the file.</exception>
    public static TrainingCheckpoint? FindLatest(RunDirectory run)
    {
        if (!Directory.Exists(run.Checkpoints))
        {
            return null;
        }
        var folders = Directory.EnumerateDirectories(run.Checkpoints, Prefix + "*")
            .Select(folder => (Folder: folder, Epoch: int.TryParse(Path.GetFileName(folder).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int epoch) ? epoch : -1))
            .Where(f => f.Epoch >= 0)
            .OrderByDescending(f => f.Epoch);
        foreach (var (folder, epoch) in folders)
        {
            if (!ChecksumManifest.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
                continue;
            }
            ChecksumManifest.Verify(folder, [WeightsFile, BestFile, OptimizerFile, StateFile]);
            var statePath = Path.Combine(folder, StateFile);
            var state = TrainerState.Read(statePath);
            if (state.Epoch != epoch)
            {
                throw new InvalidDataException($"{statePath}: field 'epoch' is {state.Epoch} in the checkpoint of epoch {epoch}.");
            }
            return new TrainingCheckpoint(folder, state);
        }
        return null;
    }

    /// <summary>Loads the weights and optimizer state; errors name the file.</summary>
    public void Restore(SequentialRecommender model, OptimizerHelper optimizer)
    {
        WeightFiles.Load(model, Weights);
        try
        {
            optimizer.load_state_dict(Optimizer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"{Optimizer}: not a readable optimizer state ({e.Message}).", e);
        }
    }
}
