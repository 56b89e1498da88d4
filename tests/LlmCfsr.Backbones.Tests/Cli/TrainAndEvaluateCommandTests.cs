using LlmCfsr.Testing;
using System.CommandLine;
using System.Text.Json;
using LlmCfsr.Cli;
using LlmCfsr.Data;

namespace LlmCfsr.Backbones.Tests.Cli;

public sealed class TrainAndEvaluateCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] TrainArguments(string data, string run, string backbone, params string[] extra) =>
    [
        "train", "--data", data, "--backbone", backbone, "--epochs", "2", "--batch-size", "16", "--max-len", "8",
        "--hidden", "8", "--layers", "1", "--heads", "2", "--lr", "0.005", "--protocol", "sampled:20", "--out", run, .. extra,
    ];

    [Fact]
    public void TrainWritesARunAndEvaluateReEvaluatesIt()
    {
        var root = TestDatasets.TempFolder();
        var data = Path.Combine(root, "data");
        var run = Path.Combine(root, "run");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);

        var (exit, output, error) = Run(TrainArguments(data, run, "sasrec", "--loss", "bpr"));
        Assert.True(exit == 0, error);
        Assert.Contains("epoch 2/2", output);
        Assert.Contains("| overall |", output);
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))))
        {
            Assert.Equal("sampled:20", metrics.RootElement.GetProperty("protocol").GetString());
            Assert.True(metrics.RootElement.GetProperty("groups").GetProperty("overall").GetProperty("NDCG@10").GetDouble() > 0);
        }
        Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(run, "run.json")));

        (exit, _, error) = Run(TrainArguments(data, run, "sasrec"));
        Assert.Equal(1, exit);
        Assert.Contains("already holds a run", error);

        (exit, output, error) = Run("evaluate", "--run", run, "--protocol", "full");
        Assert.True(exit == 0, error);
        Assert.Contains("Protocol `full`", output);
        using (var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics-test-full.json"))))
        {
            Assert.Equal("full", full.RootElement.GetProperty("protocol").GetString());
        }

        // Re-evaluating under the run's own protocol reproduces metrics.json exactly.
        (exit, _, error) = Run("evaluate", "--run", run);
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllText(Path.Combine(run, "metrics.json")), File.ReadAllText(Path.Combine(run, "metrics-test-sampled-20.json")));
    }

    [Fact]
    public void ForceOverwritesAndBert4RecTrainsFromTheCommandLine()
    {
        var root = TestDatasets.TempFolder();
        var data = Path.Combine(root, "data");
        var run = Path.Combine(root, "run");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);
        Assert.Equal(0, Run(TrainArguments(data, run, "gru4rec", "--objective", "last")).Exit);
        var (exit, _, error) = Run(TrainArguments(data, run, "bert4rec", "--force", "--mask-prob", "0.3"));
        Assert.True(exit == 0, error);
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json")));
        Assert.Equal("bert4rec", manifest.RootElement.GetProperty("options").GetProperty("model").GetString());
        Assert.Equal("ce", manifest.RootElement.GetProperty("loss").GetString());
    }

    [Fact]
    public void PresetLongTailAndEvaluationSeedReachTheRunAndItsTables()
    {
        var root = TestDatasets.TempFolder();
        var data = Path.Combine(root, "data");
        var run = Path.Combine(root, "run");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);

        var (exit, output, error) = Run("train", "--data", data, "--backbone", "sasrec", "--preset", "llm-esr", "--epochs", "1", "--hidden", "8",
            "--protocol", "sampled:20", "--long-tail", "llm-esr:2,4", "--eval-seed", "5", "--out", run);
        Assert.True(exit == 0, error);
        Assert.Contains("Long-tail groups `llm-esr:2,4`: tail items: popularity < 2, tail users: history before the test item < 4", output);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))))
        {
            var options = manifest.RootElement.GetProperty("options");
            // The preset's values, except what was given explicitly.
            Assert.Equal(200, options.GetProperty("maxLength").GetInt32());
            Assert.Equal(20, options.GetProperty("patience").GetInt32());
            Assert.Equal(0.5, options.GetProperty("dropout").GetDouble());
            Assert.Equal(1, options.GetProperty("epochs").GetInt32());
            Assert.Equal(8, options.GetProperty("hiddenSize").GetInt32());
            Assert.Equal(5, options.GetProperty("evaluationSeed").GetInt64());
            Assert.Equal(42, options.GetProperty("seed").GetInt32());
            var longTail = options.GetProperty("longTail");
            Assert.Equal("Threshold", longTail.GetProperty("itemRule").GetString());
            Assert.Equal(2, longTail.GetProperty("itemPopularityThreshold").GetInt32());
            Assert.Equal("TestHistory", longTail.GetProperty("userLength").GetString());
            Assert.False(manifest.RootElement.GetProperty("converged").GetBoolean());
        }
        using (var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics.json"))))
        {
            Assert.Equal("llm-esr:2,4", metrics.RootElement.GetProperty("long_tail").GetString());
        }

        // evaluate keeps the run's groups unless told otherwise, and then writes a file of its own.
        (exit, output, error) = Run("evaluate", "--run", run, "--long-tail", "pareto");
        Assert.True(exit == 0, error);
        Assert.Contains("Long-tail groups `pareto`", output);
        Assert.True(File.Exists(Path.Combine(run, "metrics-test-sampled-20-tail-pareto.json")));

        (exit, _, error) = Run("evaluate", "--run", run, "--long-tail", "zipf");
        Assert.Equal(1, exit);
        Assert.StartsWith("error: --long-tail: Unknown long-tail groups 'zipf'", error);
        (exit, _, error) = Run("train", "--data", data, "--preset", "llm-rec", "--out", Path.Combine(root, "other"));
        Assert.Equal(1, exit);
        Assert.Contains("Unknown preset 'llm-rec'; expected one of llm-esr, llm-esr-yelp, llm-esr-beauty, llm-esr-fashion.", error);
    }

    [Fact]
    public void BadArgumentsGiveClearErrors()
    {
        var root = TestDatasets.TempFolder();
        var (exit, _, error) = Run(TrainArguments(Path.Combine(root, "missing"), Path.Combine(root, "run"), "sasrec"));
        Assert.Equal(1, exit);
        Assert.Contains("missing", error);
        (exit, _, error) = Run("evaluate", "--run", Path.Combine(root, "nothing"));
        Assert.Equal(1, exit);
        Assert.Contains("holds no run", error);
    }
}
