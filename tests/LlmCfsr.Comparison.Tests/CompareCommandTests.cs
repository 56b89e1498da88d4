using LlmCfsr.Testing;
using System.CommandLine;
using System.Text.Json;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Training;

namespace LlmCfsr.Comparison.Tests;

public sealed class CompareCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] Arguments(string data, string report, string models, params string[] extra) =>
        SmallRun(data, report, models, ["--seeds", "2", "--epochs", "2", "--protocols", "sampled:20,full", .. extra]);

    private static string[] SmallRun(string data, string report, string models, string[] extra) =>
    [
        "compare", "--data", data, "--models", models, "--batch-size", "16", "--max-len", "8",
        "--hidden", "8", "--layers", "1", "--heads", "2", "--lr", "0.005", "--out", report, .. extra,
    ];

    [Fact]
    public void CompareTrainsEveryModelAndSeedAndWritesTablesMetricsAndCharts()
    {
        var root = Fixtures.TempFolder();
        var data = Path.Combine(root, "data");
        var report = Path.Combine(root, "report");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);

        var (exit, output, error) = Run(Arguments(data, report, "sasrec,gru4rec"));
        Assert.True(exit == 0, error + output);

        foreach (string model in new[] { "sasrec", "gru4rec" })
        {
            foreach (int seed in new[] { 1, 2 })
            {
                string run = Path.Combine(report, "runs", model, $"seed-{seed}");
                var manifest = RunManifest.Read(Path.Combine(run, "run.json"));
                Assert.True(manifest.Completed);
                Assert.Equal(model, manifest.Options.Model);
                Assert.Equal(seed, manifest.Options.Seed);
                Assert.Equal(2, manifest.History.Count);
                Assert.True(File.Exists(Path.Combine(run, "model.safetensors")));
                // The first protocol drove training; its metrics.json equals the per-protocol file.
                Assert.Equal(File.ReadAllText(Path.Combine(run, "metrics.json")), File.ReadAllText(Path.Combine(run, "metrics-test-sampled-20.json")));
                using var full = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "metrics-test-full.json")));
                Assert.Equal("full", full.RootElement.GetProperty("protocol").GetString());
            }
        }

        string markdown = File.ReadAllText(Path.Combine(report, "comparison.md"));
        Assert.Contains("## Protocol `sampled:20`", markdown);
        Assert.Contains("## Protocol `full`", markdown);
        Assert.Contains("| sasrec | 2/2 |", markdown);
        Assert.Contains("| gru4rec | 2/2 |", markdown);
        Assert.Contains("**", markdown);
        Assert.Contains("| Overall NDCG@10 |", markdown);
        Assert.Contains("![NDCG@10 by target-item popularity (full)](ndcg-by-popularity-full.png)", markdown);
        foreach (string protocol in new[] { "sampled-20", "full" })
        {
            var csv = File.ReadAllLines(Path.Combine(report, $"table-{protocol}.csv"));
            Assert.Equal(3, csv.Length);
            Assert.StartsWith("model,runs,succeeded,epochs,converged,Overall HR@10 mean,Overall HR@10 std,", csv[0]);
            Assert.StartsWith("sasrec,2,2,", csv[1]);
            Assert.StartsWith("gru4rec,2,2,", csv[2]);
            // Every NDCG@10 column has a t-test over 2 seeds x 60 users (overall) or fewer (groups).
            var significance = File.ReadAllLines(Path.Combine(report, $"significance-{protocol}.csv"));
            Assert.Equal(11, significance.Length);
            Assert.Contains(significance, line => line.StartsWith("Overall NDCG@10,", StringComparison.Ordinal) && line.Contains(",120,", StringComparison.Ordinal));
        }
        foreach (string png in new[] { "ndcg-by-popularity-sampled-20.png", "ndcg-by-popularity-full.png", "training-sasrec.png", "training-gru4rec.png" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(report, png));
            Assert.True(bytes.Length > 10_000, $"{png} has only {bytes.Length} bytes.");
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }

        // Re-running into the report needs --force, which reuses the completed runs without retraining.
        (exit, _, error) = Run(Arguments(data, report, "sasrec,gru4rec"));
        Assert.Equal(1, exit);
        Assert.Contains("already holds runs", error);
        var before = File.GetLastWriteTimeUtc(Path.Combine(report, "runs", "sasrec", "seed-1", "model.safetensors"));
        string firstTable = File.ReadAllText(Path.Combine(report, "table-full.csv"));
        (exit, output, error) = Run(Arguments(data, report, "sasrec,gru4rec", "--force"));
        Assert.True(exit == 0, error + output);
        Assert.Contains("sasrec seed 1: reused", output);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(report, "runs", "sasrec", "seed-1", "model.safetensors")));
        // Re-evaluating the kept best weights reproduces the table exactly (seeded negatives, deterministic CPU scoring).
        Assert.Equal(firstTable, File.ReadAllText(Path.Combine(report, "table-full.csv")));
    }

    [Fact]
    public void AnUnknownModelNameFailsBeforeAnythingTrains()
    {
        // A model that fails while training is recorded without losing the others (ComparisonRunnerTests); a name
        // that is not registered is a typo, refused before hours of training the models listed before it.
        var root = Fixtures.TempFolder();
        var data = Path.Combine(root, "data");
        var report = Path.Combine(root, "report");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);

        var (exit, output, error) = Run(SmallRun(data, report, "sasrec,no-such-model", ["--seeds", "1", "--epochs", "1", "--protocol", "sampled:20"]));
        Assert.Equal(1, exit);
        Assert.Contains("no-such-model", error);
        Assert.DoesNotContain("seed 1", output);
        Assert.False(Directory.Exists(Path.Combine(report, "runs")));

        // --backbone picks the LLM-enhanced models' backbone; for id-only models alone it names nothing to change.
        (exit, _, error) = Run(SmallRun(data, report, "sasrec", ["--seeds", "1", "--epochs", "1", "--backbone", "gru4rec"]));
        Assert.Equal(1, exit);
        Assert.Contains("train --model gru4rec", error);
        Assert.False(Directory.Exists(Path.Combine(report, "runs")));
    }

    [Fact]
    public void ARunStoppedByTheEpochCapIsMarkedUnconverged()
    {
        var root = Fixtures.TempFolder();
        var data = Path.Combine(root, "data");
        var report = Path.Combine(root, "report");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);

        // compare takes train's options: --optimizer and --clip reach the run.
        var (exit, _, error) = Run(SmallRun(data, report, "sasrec", ["--seeds", "1", "--epochs", "1", "--protocol", "sampled:20", "--optimizer", "AdamW", "--clip", "0"]));
        Assert.True(exit == 0, error);
        var options = RunManifest.Read(Path.Combine(report, "runs", "sasrec", "seed-1", "run.json")).Options;
        Assert.Equal(OptimizerKind.AdamW, options.Optimizer);
        Assert.Equal(0, options.GradientClipNorm);
        string markdown = File.ReadAllText(Path.Combine(report, "comparison.md"));
        // One epoch under the default patience cannot converge: the row says so.
        Assert.Contains("| sasrec | 1/1 | 1† | **", markdown);
        Assert.Contains("† marks a run", markdown);
        Assert.True(File.Exists(Path.Combine(report, "runs", "sasrec", "seed-1", "metrics.json")));
        Assert.True(File.Exists(Path.Combine(report, "training-sasrec.png")));
    }

    [Fact]
    public void EmbeddingOptionsReachEveryRunAsAbsolutePaths()
    {
        var root = Fixtures.TempFolder();
        var data = Path.Combine(root, "data");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);
        string missing = Path.Combine(root, "missing-users.safetensors");
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, missing);

        var (exit, output, error) = Run(SmallRun(data, Path.Combine(root, "report"), "sasrec,gru4rec", ["--seeds", "1", "--epochs", "1", "--user-embeddings", relative]));
        // Every given input is checked before anything trains; the error names the file by its absolute path.
        Assert.Equal(1, exit);
        Assert.Contains($"User-embedding file '{missing}' does not exist", error);
        Assert.DoesNotContain("seed 1", output);
    }
}
