using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Training;

namespace LlmCfsr.Cli.Commands;

/// <summary>The options train, evaluate and compare share for presets, long-tail groups and the evaluation seed.</summary>
internal static class EvaluationCommandOptions
{
    public static Option<string?> Preset() => new("--preset")
    {
        Description = $"Published set-up to start from; explicit options override it: {string.Join(", ", TrainingPresets.Names)} (docs/evaluation.md).",
    };

    public static Option<string?> LongTail() => new("--long-tail")
    {
        Description = "Long-tail groups of the reports: pareto (default; top 20% items head, shortest 80% users tail), pareto:HEAD_ITEM_SHARE,TAIL_USER_SHARE, threshold:ITEM,USER (whole sequences) or llm-esr:ITEM,USER (LLM-ESR: user length = history before the test item).",
    };

    public static Option<long?> EvaluationSeed() => new("--eval-seed")
    {
        Description = "Seed of the sampled validation and test candidates, separate from --seed (default 42).",
    };

    /// <summary>The value given on the command line, else <paramref name="fallback"/> (the preset's or the default).</summary>
    public static T Pick<T>(ParseResult parseResult, Option<T> option, T fallback) =>
        parseResult.GetResult(option) is { Implicit: false } ? parseResult.GetValue(option)! : fallback;

    /// <summary>The long-tail groups given with --long-tail, else <paramref name="fallback"/>; a bad text is a one-line error.</summary>
    public static LongTailOptions LongTailOr(ParseResult parseResult, Option<string?> option, LongTailOptions fallback)
    {
        string? text = parseResult.GetValue(option);
        try
        {
            return text is null ? fallback : LongTailOptions.Parse(text);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"--long-tail: {e.Message}", e);
        }
    }
}
