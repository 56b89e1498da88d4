using System.CommandLine;
using LlmCfsr.Cli;

namespace LlmCfsr.Data.Tests;

public class DataCommandTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string SourceFolder()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "Toy.inter.json", """{"u1": [1, 2, 3, 4], "u2": [2, 3, 5], "u3": [1, 5], "u4": [4, 3, 2, 1]}""");
        Fixtures.Write(folder, "Toy.item.json", """{"1": {"title": "One"}, "2": {"title": "Two"}, "3": {"title": "Three"}, "4": {"title": "Four"}}""");
        return folder;
    }

    [Fact]
    public void StatsPrintsCountsDropsAndStatistics()
    {
        var (exit, output, error) = Run("data", "stats", "--input", SourceFolder());
        Assert.True(exit == 0, error);
        Assert.Contains("Dataset 'Toy' (json)", output);
        Assert.Matches(@"interaction records read\s+13", output);
        // u3 has 2 interactions: dropped and reported.
        Assert.Matches(@"users with < 3 dropped\s+1 users, 2 interactions", output);
        // Item 5 (in u2's sequence) has no attributes.
        Assert.Matches(@"items without attributes\s+1 \(e\.g\. 5\)", output);
        Assert.Matches(@"users\s+3\r?\n", output);
        Assert.Matches(@"interactions\s+11\r?\n", output);
    }

    [Fact]
    public void PrepareWritesALoadableFolderAndStatsReadsIt()
    {
        string output = Path.Combine(Fixtures.NewFolder(), "prepared");
        var prepared = Run("data", "prepare", "--input", SourceFolder(), "--format", "json", "--max-len", "3", "--out", output);
        Assert.True(prepared.Exit == 0, prepared.Error);
        var data = PreparedDatasetStore.Load(output);
        Assert.Equal(3, data.UserCount);
        Assert.All(data.Sequences, s => Assert.Equal(3, s.Length));
        Assert.Contains(data.Fingerprint, prepared.Output);

        var stats = Run("data", "stats", "--input", output);
        Assert.True(stats.Exit == 0, stats.Error);
        Assert.Contains($"fingerprint {data.Fingerprint}", stats.Output);
        Assert.Matches(@"interactions\s+9\r?\n", stats.Output);
    }

    [Fact]
    public void PrepareWithRequireTextDropsItemsWithoutTextAndSaysHowMany()
    {
        string output = Path.Combine(Fixtures.NewFolder(), "prepared");
        var (exit, printed, error) = Run("data", "prepare", "--input", SourceFolder(), "--require-text", "--out", output);
        Assert.True(exit == 0, error);
        // Item 5 has no text: its 2 interactions go, and u2 ([2, 3, 5] -> [2, 3]) then falls below 3 like u3.
        Assert.Matches(@"items without text dropped\s+1 items, 2 interactions", printed);
        var data = PreparedDatasetStore.Load(output);
        Assert.DoesNotContain("5", data.ItemSourceIds);
        Assert.Equal(["u1", "u4"], data.UserSourceIds);
    }

    [Fact]
    public void BadInputFailsWithAClearMessage()
    {
        string folder = SourceFolder();
        string inter = Fixtures.Write(folder, "Toy.inter.json", "{\"u1\": [1, 2,\n 3}");
        var malformed = Run("data", "stats", "--input", folder);
        Assert.Equal(1, malformed.Exit);
        Assert.Contains($"{inter}:2:", malformed.Error);

        var strict = Run("data", "prepare", "--input", SourceFolder(), "--strict", "--out", Fixtures.NewFolder());
        Assert.Equal(1, strict.Exit);
        Assert.Contains("no attributes", strict.Error);

        var empty = Run("data", "prepare", "--input", SourceFolder(), "--min-item", "10", "--out", Fixtures.NewFolder());
        Assert.Equal(1, empty.Exit);
        Assert.Contains("Nothing is left", empty.Error);

        Assert.NotEqual(0, Run("data", "prepare", "--input", SourceFolder()).Exit);
    }
}
