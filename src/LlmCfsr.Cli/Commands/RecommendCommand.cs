using System.CommandLine;
using System.Globalization;
using LlmCfsr.Recommendation;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr recommend --bundle DIR --history ID1,ID2,... [-k 10]</c>: prints the top-k items for a history of
/// source item ids (oldest first) from a model bundle, with their names and scores; unknown ids are skipped and
/// listed on one line of standard error.
/// </summary>
public static class RecommendCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var bundleOption = new Option<string>("--bundle") { Description = "Model bundle folder (llmcfsr export).", Required = true };
        var historyOption = new Option<string>("--history") { Description = "The user's item ids, comma-separated, oldest first.", Required = true };
        var kOption = new Option<int>("-k", "--top") { Description = "Number of items to recommend.", DefaultValueFactory = _ => 10 };
        var command = new Command("recommend", "Recommend the next items for a history from a model bundle.")
        {
            Options = { bundleOption, historyOption, kOption },
        };
        command.SetAction((parseResult, _) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            return Task.FromResult(DataCommand.Guarded(error, () =>
            {
                int k = parseResult.GetValue(kOption);
                if (k <= 0)
                {
                    throw new ArgumentException($"-k must be positive (got {k}).");
                }
                var history = parseResult.GetValue(historyOption)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (history.Length == 0)
                {
                    throw new ArgumentException("--history lists no item id.");
                }
                var folder = Path.GetFullPath(parseResult.GetValue(bundleOption)!);
                var manifest = BundleManifest.Read(Path.Combine(folder, BundleManifest.FileName));
                using var services = TrainCommandServices.Build(manifest.Run);
                using var bundle = RecommenderBundle.Load(folder, services);
                var result = bundle.Recommend(history, k);
                if (result.HistoryItemsUsed == 0)
                {
                    throw new ArgumentException($"None of the history's items is in the bundle ({string.Join(", ", result.UnknownHistoryItems)}).");
                }
                if (result.UnknownHistoryItems.Count > 0)
                {
                    error.WriteLine($"warning: {result.UnknownHistoryItems.Count} unknown item id(s) skipped: {string.Join(", ", result.UnknownHistoryItems)}");
                }
                output.WriteLine($"{"rank",4}  {"item",-16} {"score",9}  name");
                int rank = 0;
                foreach (var item in result.Items)
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{++rank,4}  {item.ItemId,-16} {item.Score,9:F4}  {bundle.DisplayName(item.ItemId) ?? ""}"));
                }
                return 0;
            }));
        });
        return command;
    }
}
