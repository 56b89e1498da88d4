using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Storage;
using LlmCfsr.Testing;

namespace LlmCfsr.Backbones.Tests.Cli;

/// <summary>
/// Misuse of train, evaluate and compare through the real command line: one line naming the file, option or model,
/// exit code 1, no stack trace, and nothing trained or overwritten.
/// </summary>
public sealed class RunProbeTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.Run(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Train(string data, string run, params string[] extra) => TrainEpochs(2, data, run, extra);

    private static string[] TrainEpochs(int epochs, string data, string run, params string[] extra) =>
    [
        "train", "--data", data, "--backbone", "sasrec", "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture), "--batch-size", "16", "--max-len", "8",
        "--hidden", "8", "--layers", "1", "--heads", "2", "--lr", "0.005", "--protocol", "sampled:20", "--threads", "1", "--out", run, .. extra,
    ];

    private static string PreparedData(string root)
    {
        var data = Path.Combine(root, "data");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);
        return data;
    }

    [Fact]
    public void CudaWithoutCudaIsOneLine()
    {
        if (TorchSharp.torch.cuda.is_available())
        {
            return; // The probe needs a machine without CUDA (as CI is); with CUDA the command would train.
        }
        var root = TestDatasets.TempFolder();
        var (exit, _, error) = Run(Train(PreparedData(root), Path.Combine(root, "run"), "--device", "cuda"));
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "Device 'cuda'", "CUDA is not available");
    }

    [Fact]
    public void ResumeRefusesAnEmptyFolderAndNamesTheChangedOption()
    {
        var root = TestDatasets.TempFolder();
        var data = PreparedData(root);
        var run = Path.Combine(root, "run");
        var (exit, _, error) = Run(Train(data, run, "--resume"));
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "holds no run to resume");
        Assert.False(File.Exists(Path.Combine(run, "run.json")));

        // An interrupted run: its published files and first checkpoint, as a kill after epoch 1 leaves them.
        Assert.Equal(0, Run(TrainEpochs(1, data, run)).Exit);
        var manifest = Path.Combine(run, "run.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"completed\": true", "\"completed\": false").Replace("\"epochs\": 1", "\"epochs\": 2"));
        (exit, _, error) = Run(Train(data, run, "--resume", "--seed", "9"));
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "seed: run ", ", now 9");
    }

    [Fact]
    public void ACorruptedWeightsHeaderIsRefusedByName()
    {
        var root = TestDatasets.TempFolder();
        var data = PreparedData(root);
        var run = Path.Combine(root, "run");
        Assert.Equal(0, Run(Train(data, run)).Exit);
        var weights = Path.Combine(run, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[7] = 0x7f; // header length ~2^63: "Length of JSON exceeded int.MaxValue" without a file name
        File.WriteAllBytes(weights, bytes);

        var (exit, _, error) = Run("evaluate", "--run", run);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, weights, "SHA-256 differs");

        File.Delete(Path.Combine(run, ChecksumManifest.FileName));
        (exit, _, error) = Run("evaluate", "--run", run);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, weights, "not readable as this model's safetensors weights");
    }

    [Fact]
    public void ASecondWriterFailsAtOnceNamingTheHolder()
    {
        var root = TestDatasets.TempFolder();
        var data = PreparedData(root);
        var run = Path.Combine(root, "run");
        using var held = FolderLock.Acquire(run);
        var (exit, _, error) = Run(Train(data, run));
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, $"PID {Environment.ProcessId}");
    }

    [Fact]
    public void EvaluateRefusesARunAWriterHoldsAndWritesNothingIntoIt()
    {
        var root = TestDatasets.TempFolder();
        var data = PreparedData(root);
        var run = Path.Combine(root, "run");
        Assert.Equal(0, Run(Train(data, run)).Exit);
        string[] RunFiles() => Directory.GetFiles(run).Where(f => !Path.GetFileName(f).StartsWith(FolderLock.FileName, StringComparison.Ordinal)).Order().ToArray();
        var before = RunFiles();

        using (FolderLock.Acquire(run))
        {
            var (exit, _, error) = Run("evaluate", "--run", run, "--protocol", "full");
            Assert.Equal(1, exit);
            CommandLineAssert.OneLineError(error, $"PID {Environment.ProcessId}");
            Assert.Equal(before, RunFiles());
        }
        Assert.Equal(0, Run("evaluate", "--run", run, "--protocol", "full").Exit);
        Assert.True(File.Exists(Path.Combine(run, "metrics-test-full.json")));
    }

    [Fact]
    public void CompareChecksEveryModelAndInputBeforeTraining()
    {
        var root = TestDatasets.TempFolder();
        var data = PreparedData(root);
        var report = Path.Combine(root, "report");
        var (exit, output, error) = Run("compare", "--data", data, "--models", "sasrec,gru4rec,sasrek", "--seeds", "1", "--epochs", "1", "--out", report);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "sasrek");
        Assert.DoesNotContain("epoch", output);
        Assert.False(Directory.Exists(Path.Combine(report, "runs")));

        (exit, output, error) = Run("compare", "--data", data, "--models", "sasrec,llm-cfsr", "--seeds", "1", "--epochs", "1",
            "--embeddings", Path.Combine(root, "missing.safetensors"), "--out", report);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "missing.safetensors");
        Assert.False(Directory.Exists(Path.Combine(report, "runs")));
    }
}
