using LlmCfsr.Backbones.SasRec;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Storage;
using LlmCfsr.Testing;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

/// <summary>
/// Crashes a training run at every file write it makes and damages every checkpoint file in turn: resuming must
/// either reproduce the uninterrupted run exactly or refuse with the damaged file named; it never finishes with
/// other numbers.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class CheckpointFaultInjectionTests
{
    private static readonly PreparedDataset Data = CyclicDataset.Create();

    // A high learning rate makes validation stall in some epochs, so both the improving and the non-improving
    // checkpoint paths (new best weights or the previous ones carried over) are written.
    private static readonly TrainingOptions Options = new()
    {
        Model = "sasrec",
        Epochs = 3,
        Patience = 10,
        BatchSize = 16,
        LearningRate = 0.05,
        MaxLength = 8,
        HiddenSize = 8,
        Layers = 1,
        Heads = 2,
        Dropout = 0.1,
        Seed = 11,
        EvaluationProtocol = "sampled:20",
    };

    private sealed class SimulatedCrash(string path) : IOException($"simulated crash before {path} was replaced");

    private static TrainingResult Train(string directory, TrainingRunMode mode, AtomicFileWriter? writer = null, TrainingOptions? options = null,
        Action<SasRecOptions>? backbone = null)
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddSasRec(backbone).AddStandardRankingLosses();
        if (writer is not null)
        {
            services.AddSingleton(writer);
        }
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = Data, Options = options ?? Options, RunDirectory = directory, Mode = mode });
    }

    private static AtomicFileWriter CrashingBefore(string pathPart) => new(path =>
    {
        if (path.Contains(pathPart, StringComparison.Ordinal))
        {
            throw new SimulatedCrash(path);
        }
    });

    private static void AssertSameRun(RunManifest expected, RunManifest actual)
    {
        Assert.Equal(expected.History.Select(h => h.Loss), actual.History.Select(h => h.Loss));
        Assert.Equal(expected.History.Select(h => h.Validation["NDCG@10"]), actual.History.Select(h => h.Validation["NDCG@10"]));
        Assert.Equal(expected.BestEpoch, actual.BestEpoch);
        Assert.Equal(expected.Test, actual.Test);
    }

    [Fact]
    public void ACrashAtAnyWriteResumesToTheUninterruptedResult()
    {
        var written = new List<string>();
        RunManifest reference;
        using (var uninterrupted = Train(TestDatasets.TempFolder(), TrainingRunMode.New, new AtomicFileWriter(written.Add)))
        {
            reference = uninterrupted.Manifest;
        }
        Assert.Contains(reference.History, h => h.Epoch != reference.BestEpoch && h.Epoch > 1);
        Assert.Contains(written, path => path.EndsWith("best.safetensors", StringComparison.Ordinal));

        for (int crashAt = 1; crashAt <= written.Count; crashAt++)
        {
            var directory = TestDatasets.TempFolder();
            int writes = 0;
            int crash = crashAt;
            var crashing = new AtomicFileWriter(path =>
            {
                if (++writes == crash)
                {
                    throw new SimulatedCrash(path);
                }
            });
            Assert.Throws<SimulatedCrash>(() => Train(directory, TrainingRunMode.New, crashing));

            var run = new RunDirectory(directory);
            // What a reader sees between the crash and the resume is either consistent or refused with a file named.
            var refusal = Record.Exception(run.Verify);
            Assert.True(refusal is null or InvalidDataException, $"write {crashAt} ({written[crashAt - 1]}): {refusal}");
            if (refusal is not null)
            {
                Assert.Contains(directory, refusal.Message);
            }

            using var resumed = Train(directory, run.HoldsRun ? TrainingRunMode.Resume : TrainingRunMode.New);
            AssertSameRun(reference, resumed.Manifest);
            run.Verify();
        }
    }

    [Fact]
    public void ADamagedCheckpointFileIsRefusedByName()
    {
        // Two of three epochs, as an interrupted run leaves them.
        var source = TestDatasets.TempFolder();
        Assert.Throws<SimulatedCrash>(() => Train(source, TrainingRunMode.New, CrashingBefore("epoch-0003")));
        var checkpoint = Directory.GetDirectories(Path.Combine(source, "checkpoints"), "epoch-0002").Single();

        foreach (var file in Directory.GetFiles(checkpoint).Where(f => Path.GetFileName(f) != ChecksumManifest.FileName))
        {
            foreach (var damage in new Action<string>[] { Truncate, FlipOneBit })
            {
                var directory = TestDatasets.TempFolder();
                CopyFolder(source, directory);
                var damaged = Path.Combine(directory, Path.GetRelativePath(source, file));
                damage(damaged);
                var error = Assert.Throws<InvalidDataException>(() => Train(directory, TrainingRunMode.Resume));
                Assert.Contains(damaged, error.Message);
            }
        }
    }

    [Fact]
    public void AnUnreadableOptimizerStateIsRefusedByNameEvenWithMatchingChecksums()
    {
        // A writer bug rather than damage: the checksums match, the bytes are not an optimizer state
        // (the library's own error, "Too many bytes in what should have been a 7-bit encoded integer", names no file).
        var directory = TestDatasets.TempFolder();
        Assert.Throws<SimulatedCrash>(() => Train(directory, TrainingRunMode.New, CrashingBefore("epoch-0002")));
        var checkpoint = Path.Combine(directory, "checkpoints", "epoch-0001");
        var optimizer = Path.Combine(checkpoint, "optimizer.bin");
        File.WriteAllBytes(optimizer, [.. Enumerable.Repeat((byte)0xff, 64)]);
        ChecksumManifest.Write(AtomicFileWriter.Default, checkpoint, Directory.GetFiles(checkpoint).Select(Path.GetFileName).Where(n => n != ChecksumManifest.FileName)!);
        var error = Assert.Throws<InvalidDataException>(() => Train(directory, TrainingRunMode.Resume));
        Assert.Contains($"{optimizer}: not a readable optimizer state", error.Message);
    }

    [Fact]
    public void DamagedPublishedWeightsAreRefusedWhenLoaded()
    {
        var directory = TestDatasets.TempFolder();
        using (Train(directory, TrainingRunMode.New))
        {
        }
        var run = new RunDirectory(directory);
        FlipOneBit(run.BestWeights);
        using var services = TestServices.Build();
        var error = Assert.Throws<InvalidDataException>(() => TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), run, Data, CPU));
        Assert.Contains(run.BestWeights, error.Message);

        // A header that cannot be parsed names the file too, when no checksum catches it first.
        File.Delete(ChecksumManifest.PathIn(directory));
        File.WriteAllBytes(run.BestWeights, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, (byte)'{']);
        error = Assert.Throws<InvalidDataException>(() => TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), run, Data, CPU));
        Assert.Contains(run.BestWeights, error.Message);
    }

    [Fact]
    public void ASecondWriterIsRefusedWithTheHoldersProcessId()
    {
        var directory = TestDatasets.TempFolder();
        using (FolderLock.Acquire(directory))
        {
            var error = Assert.Throws<IOException>(() => Train(directory, TrainingRunMode.New));
            Assert.Contains($"PID {Environment.ProcessId}", error.Message);
            Assert.False(new RunDirectory(directory).HoldsRun);
        }
        using var trained = Train(directory, TrainingRunMode.New);
        Assert.True(trained.Manifest.Completed);
    }

    [Fact]
    public void ResumeRefusesAnEmptyFolderAndNamesAChangedOption()
    {
        var empty = TestDatasets.TempFolder();
        Assert.Contains("holds no run to resume", Assert.Throws<ArgumentException>(() => Train(empty, TrainingRunMode.Resume)).Message);

        var directory = TestDatasets.TempFolder();
        Assert.Throws<SimulatedCrash>(() => Train(directory, TrainingRunMode.New, CrashingBefore("epoch-0002")));
        var error = Assert.Throws<ArgumentException>(() => Train(directory, TrainingRunMode.Resume, options: Options with { LearningRate = 0.01 }));
        Assert.Contains("learningRate: run 0.05, now 0.01", error.Message);

        // A part's setting is part of the run too: resuming with another backbone setting is refused by name.
        error = Assert.Throws<ArgumentException>(() => Train(directory, TrainingRunMode.Resume, backbone: o => o.ScaleEmbeddings = false));
        Assert.Contains("LlmCfsr:Backbones:SasRec:ScaleEmbeddings: run true, now false", error.Message);
    }

    /// <summary>
    /// The evaluation batch size changes no number, so a run started with another one (an older default) resumes, and
    /// reaches the uninterrupted run's result.
    /// </summary>
    [Fact]
    public void ResumeAcceptsAnotherEvaluationBatchSize()
    {
        RunManifest reference;
        using (var uninterrupted = Train(TestDatasets.TempFolder(), TrainingRunMode.New))
        {
            reference = uninterrupted.Manifest;
        }
        var directory = TestDatasets.TempFolder();
        Assert.Throws<SimulatedCrash>(() => Train(directory, TrainingRunMode.New, CrashingBefore("epoch-0002"), Options with { EvaluationBatchSize = 3 }));
        using var resumed = Train(directory, TrainingRunMode.Resume);
        AssertSameRun(reference, resumed.Manifest);
    }

    private static void Truncate(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(stream.Length / 2);
    }

    private static void FlipOneBit(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length * 3 / 4] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    private static void CopyFolder(string source, string target)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
