using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.Storage;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// The optimizer-step loop every fine-tuning objective shares (CFT and its variants, SAID's stage 1): gradient
/// accumulation over the micro-batches of a step, a dropout seed fixed by the micro-batch, cancellation that saves the
/// last finished step, checkpoints every N steps (the objective's weight files, the optimizer state and
/// <c>trainer_state.json</c>, checksummed last) and exact resume from the newest complete one when the settings match.
/// </summary>
internal static class FineTuningLoop
{
    private const string StateFile = "trainer_state.json";
    private const string OptimizerFile = "optimizer.bin";

    /// <summary>What one objective contributes to the loop.</summary>
    public interface ITask
    {
        /// <summary>Optimizer steps of the run.</summary>
        int TotalSteps { get; }

        /// <summary>The settings a checkpoint must have been written with to be resumed.</summary>
        string Fingerprint { get; }

        /// <summary>The files <see cref="SaveWeights"/> writes.</summary>
        IReadOnlyList<string> WeightFiles { get; }

        /// <summary>Global indices of the micro-batches of optimizer step <paramref name="step"/> (0-based).</summary>
        IReadOnlyList<int> MicroBatchesOfStep(int step);

        /// <summary>The 0-based epoch step <paramref name="step"/> (0-based) starts in.</summary>
        int EpochOfStep(int step);

        /// <summary>The loss of micro-batch <paramref name="micro"/> with its graph, and the items it covers.</summary>
        (Tensor Loss, int Items) MicroBatchLoss(int micro);

        /// <summary>Switches dropout on for training or off.</summary>
        void SetTraining(bool training);

        /// <summary>Writes the trained weights into <paramref name="folder"/>, each file atomically.</summary>
        void SaveWeights(string folder);

        /// <summary>Loads the trained weights from a checkpoint folder.</summary>
        void LoadWeights(string folder);

        /// <summary>Adds the objective's own scalars (e.g. the temperature) to a checkpoint's state.</summary>
        void WriteState(JsonObject state);

        /// <summary>Restores what <see cref="WriteState"/> added.</summary>
        void ReadState(JsonObject state);
    }

    /// <summary>Reported after each optimizer step.</summary>
    public readonly record struct StepReport(int Step, int TotalSteps, int Epoch, double Loss, double ItemsPerSecond, TimeSpan Remaining, string? CheckpointPath);

    /// <summary>
    /// Runs the steps of <paramref name="task"/> with the loop settings of <paramref name="options"/> (seed, checkpoints) after the
    /// newest matching checkpoint (when <see cref="FineTuningLoopOptions.Resume"/>),
    /// appending each step's mean loss to <paramref name="losses"/>; returns the step resumed from (0: fresh).
    /// </summary>
    /// <exception cref="OperationCanceledException">On cancellation, after writing a checkpoint of the last finished step (when checkpoints are on).</exception>
    public static int Run(ITask task, OptimizerHelper optimizer, FineTuningLoopOptions options, List<double> losses, Action<StepReport>? report, CancellationToken cancellationToken)
    {
        var (seed, checkpointEvery, checkpointFolder, resume) = (options.Seed, options.CheckpointEvery, options.CheckpointFolder, options.Resume);
        int totalSteps = task.TotalSteps;
        int resumedFrom = resume && checkpointFolder is not null ? TryResume(checkpointFolder, task, optimizer, losses) : 0;
        var clock = Stopwatch.StartNew();
        int itemsThisRun = 0;
        int step = resumedFrom;
        task.SetTraining(true);
        try
        {
            while (step < totalSteps)
            {
                optimizer.zero_grad();
                var microBatches = task.MicroBatchesOfStep(step);
                double stepLoss = 0;
                foreach (var micro in microBatches)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Weights and optimizer are still at the end of the last finished step: save exactly that.
                        if (checkpointFolder is not null && step > resumedFrom)
                        {
                            WriteCheckpoint(checkpointFolder, step, task, optimizer, losses);
                        }
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    using var scope = torch.NewDisposeScope();
                    // Dropout draws from a seed fixed by the micro-batch, so a resumed run repeats it.
                    torch.manual_seed(seed * 1_000_003L + micro);
                    var (loss, items) = task.MicroBatchLoss(micro);
                    using var shareOfStep = (1.0 / microBatches.Count).ToScalar();
                    loss.mul(shareOfStep).backward();
                    stepLoss += loss.item<float>() / microBatches.Count;
                    itemsThisRun += items;
                }
                optimizer.step();
                step++;
                losses.Add(stepLoss);
                string? checkpoint = null;
                if (checkpointFolder is not null && (step == totalSteps || (checkpointEvery > 0 && step % checkpointEvery == 0)))
                {
                    checkpoint = WriteCheckpoint(checkpointFolder, step, task, optimizer, losses);
                }
                double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                double stepsPerSecond = (step - resumedFrom) / seconds;
                report?.Invoke(new StepReport(step, totalSteps, task.EpochOfStep(step - 1) + 1, stepLoss, itemsThisRun / seconds,
                    TimeSpan.FromSeconds((totalSteps - step) / stepsPerSecond), checkpoint));
            }
        }
        finally
        {
            task.SetTraining(false);
        }
        return resumedFrom;
    }

    /// <summary>The files of a checkpoint of an objective whose weights are <paramref name="weightFiles"/>.</summary>
    public static IReadOnlyList<string> CheckpointFiles(IReadOnlyList<string> weightFiles) => [.. weightFiles, OptimizerFile, StateFile];

    /// <summary>The newest complete checkpoint folder (holding <paramref name="files"/>) under <paramref name="folder"/>, or null.</summary>
    public static string? LatestCheckpoint(string folder, IReadOnlyList<string> files)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }
        return Directory.GetDirectories(folder, "checkpoint-*")
            .Select(d => (Path: d, Step: int.TryParse(Path.GetFileName(d)["checkpoint-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1))
            .Where(c => c.Step > 0 && IsComplete(c.Path, files))
            .OrderByDescending(c => c.Step)
            .Select(c => c.Path)
            .FirstOrDefault();
    }

    /// <summary>
    /// Writes the files of a folder so that it is either complete or recognisably not: the old manifest goes first,
    /// every file is written atomically by <paramref name="write"/>, and the checksum manifest comes last.
    /// </summary>
    public static void WriteCheckedFolder(string folder, IReadOnlyList<string> files, Action<string> write)
    {
        Directory.CreateDirectory(folder);
        File.Delete(ChecksumManifest.PathIn(folder));
        write(folder);
        ChecksumManifest.Write(AtomicFileWriter.Default, folder, files);
    }

    private static string WriteCheckpoint(string root, int step, ITask task, OptimizerHelper optimizer, IReadOnlyList<double> losses)
    {
        var folder = Path.Combine(root, $"checkpoint-{step}");
        WriteCheckedFolder(folder, CheckpointFiles(task.WeightFiles), target =>
        {
            task.SaveWeights(target);
            AtomicFileWriter.Default.Write(Path.Combine(target, OptimizerFile), stream =>
            {
                using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
                optimizer.save_state_dict(writer);
            });
            var state = new JsonObject { ["step"] = step };
            task.WriteState(state);
            state["losses"] = new JsonArray(losses.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray());
            state["fingerprint"] = task.Fingerprint;
            AtomicFileWriter.Default.WriteAllText(Path.Combine(target, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
        return folder;
    }

    /// <summary>Whether <paramref name="folder"/> holds a complete checkpoint: its manifest lists every file and all match.</summary>
    private static bool IsComplete(string folder, IReadOnlyList<string> files)
    {
        try
        {
            ChecksumManifest.Verify(folder, files);
            return ChecksumManifest.Read(folder).Count == files.Count;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private static int TryResume(string root, ITask task, OptimizerHelper optimizer, List<double> losses)
    {
        var latest = LatestCheckpoint(root, CheckpointFiles(task.WeightFiles));
        if (latest is null)
        {
            return 0;
        }
        var statePath = Path.Combine(latest, StateFile);
        var state = JsonNode.Parse(File.ReadAllText(statePath)) as JsonObject ?? throw new InvalidDataException($"{statePath}: expected a JSON object.");
        var saved = state["fingerprint"]?.GetValue<string>();
        if (saved != task.Fingerprint)
        {
            throw new InvalidOperationException(
                $"{statePath}: the checkpoint was written with other settings ({saved}) than this run ({task.Fingerprint}); use another output folder or the same settings.");
        }
        task.LoadWeights(latest);
        task.ReadState(state);
        using (var stream = File.OpenRead(Path.Combine(latest, OptimizerFile)))
        using (var reader = new BinaryReader(stream))
        {
            optimizer.load_state_dict(reader);
        }
        losses.AddRange(state["losses"]!.AsArray().Select(l => l!.GetValue<double>()));
        return state["step"]!.GetValue<int>();
    }
}
