using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Testing;

namespace LlmCfsr.Backbones.Tests.Cli;

/// <summary>
/// <c>llmcfsr export</c> and <c>llmcfsr recommend</c> through the real command line: a trained run becomes a
/// bundle, a history gets items with names and scores, unknown ids are one warning line, bad input one error line.
/// </summary>
public sealed class BundleCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.Run(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void ExportThenRecommendPrintsNamedItemsAndReportsUnknownIds()
    {
        var root = TestDatasets.TempFolder();
        var cyclic = CyclicDataset.Create();
        var dataset = new PreparedDataset(cyclic.Name, cyclic.UserSourceIds, cyclic.ItemSourceIds, cyclic.Sequences,
            [.. cyclic.ItemSourceIds.Select(id => new ItemAttributes([new("title", $"Title of {id}")]))]);
        var data = Path.Combine(root, "data");
        PreparedDatasetStore.Save(dataset, data);
        var run = Path.Combine(root, "run");
        var bundle = Path.Combine(root, "bundle");
        Assert.Equal(0, Run("train", "--data", data, "--backbone", "sasrec", "--epochs", "1", "--batch-size", "16", "--max-len", "8",
            "--hidden", "8", "--layers", "1", "--heads", "2", "--protocol", "sampled:20", "--threads", "1", "--out", run).Exit);

        var (exit, output, error) = Run("export", "--run", run, "--out", bundle);
        Assert.True(exit == 0, error);
        Assert.Contains("written to", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(bundle, "SHA256SUMS")));

        var history = string.Join(",", dataset.ItemSourceIds.Take(3));
        (exit, output, error) = Run("recommend", "--bundle", bundle, "--history", $"{history},no-such-item", "-k", "5");
        Assert.True(exit == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.Contains("score", lines[0], StringComparison.Ordinal);
        var firstItem = lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        int row = dataset.ItemSourceIds.ToList().IndexOf(firstItem);
        Assert.True(row >= 3, $"'{firstItem}' is not an unseen item of the dataset.");
        Assert.EndsWith($"Title of {firstItem}", lines[1].TrimEnd(), StringComparison.Ordinal);
        Assert.Equal($"warning: 1 unknown item id(s) skipped: no-such-item{Environment.NewLine}", error);

        (exit, _, error) = Run("recommend", "--bundle", bundle, "--history", "nothing,known");
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "None of the history's items", "nothing, known");

        File.AppendAllText(Path.Combine(bundle, "items.jsonl"), "\n");
        (exit, _, error) = Run("recommend", "--bundle", bundle, "--history", history);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(bundle, "items.jsonl"));
    }

    [Fact]
    public void ExportOfAFolderWithoutARunIsOneLine()
    {
        var root = TestDatasets.TempFolder();
        var (exit, _, error) = Run("export", "--run", root, "--out", Path.Combine(root, "bundle"));
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "holds no run");
    }
}
