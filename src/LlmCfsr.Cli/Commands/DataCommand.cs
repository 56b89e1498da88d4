using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Data.Loading;

namespace LlmCfsr.Cli.Commands;

/// <summary><c>llmcfsr data</c>: dataset statistics and preparation (subcommands stats and prepare).</summary>
public static class DataCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("data", "Load interaction logs with item text, print statistics and prepare datasets for training and evaluation.");
        command.Subcommands.Add(DataStatsCommand.Create());
        command.Subcommands.Add(DataPrepareCommand.Create());
        return command;
    }

    internal static Option<string> InputOption() => new("--input")
    {
        Description = "Dataset folder or interaction file (see docs/data.md).",
        Required = true,
    };

    internal static Option<string?> FormatOption() => new("--format")
    {
        Description = $"Source format, detected when omitted: {string.Join(", ", DatasetLoader.FormatNames)}.",
    };

    internal static Option<int?> ItemThresholdOption() => new("--tail-item-threshold")
    {
        Description = "Items with fewer interacting users are tail (default: Pareto rule, top 20% of items are head).",
    };

    internal static Option<int?> UserThresholdOption() => new("--tail-user-threshold")
    {
        Description = "Users with shorter sequences are tail (default: the shortest 80% of users are tail).",
    };

    internal static LongTailOptions LongTail(int? itemThreshold, int? userThreshold) => new()
    {
        ItemRule = itemThreshold is null ? LongTailItemRule.Pareto : LongTailItemRule.Threshold,
        ItemPopularityThreshold = itemThreshold ?? 20,
        UserRule = userThreshold is null ? LongTailUserRule.BottomShare : LongTailUserRule.Threshold,
        UserLengthThreshold = userThreshold ?? 10,
    };

    /// <summary>Runs <paramref name="action"/>, turning bad-input exceptions into a message on the error stream and exit code 1.</summary>
    internal static int Guarded(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (CliErrors.IsExpected(e))
        {
            error.WriteLine($"error: {CliErrors.Describe(e)}");
            return 1;
        }
    }
}
