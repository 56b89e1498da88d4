using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Data.Loading;
using LlmCfsr.Data.Preprocessing;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr data prepare --input PATH [--format F] [--min-user N --min-item N --k-core --max-len N --dedup --require-text --strict] --out DIR</c>:
/// loads, filters, re-indexes and saves a prepared-dataset folder (docs/data.md), printing every count that changed.
/// </summary>
public static class DataPrepareCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var format = DataCommand.FormatOption();
        var minUser = new Option<int>("--min-user") { Description = "Remove users with fewer interactions (0 = off)." };
        var minItem = new Option<int>("--min-item") { Description = "Remove items with fewer interactions (0 = off)." };
        var kCore = new Option<bool>("--k-core") { Description = "Re-apply the minimum counts until they all hold (iterative k-core) instead of one pass." };
        var maxLength = new Option<int>("--max-len") { Description = "Keep each user's most recent N interactions (0 = no cap)." };
        var dedup = new Option<bool>("--dedup") { Description = "Remove repeated (user, item) interactions, keeping the earliest." };
        var requireText = new Option<bool>("--require-text") { Description = "Drop items without any text attribute (and their interactions) before filtering, as the papers do; says how many." };
        var strict = new Option<bool>("--strict") { Description = "Fail when an item in a sequence has no attributes." };
        var name = new Option<string?>("--name") { Description = "Dataset name (default: from the file names)." };
        var output = new Option<string>("--out") { Description = "Folder to write the prepared dataset to.", Required = true };
        var itemThreshold = DataCommand.ItemThresholdOption();
        var userThreshold = DataCommand.UserThresholdOption();
        var command = new Command("prepare", "Load a dataset, filter it, re-index users and items from 1 and save a prepared-dataset folder.");
        foreach (var option in new Option[] { input, format, minUser, minItem, kCore, maxLength, dedup, requireText, strict, name, output, itemThreshold, userThreshold })
        {
            command.Options.Add(option);
        }
        command.SetAction(parseResult =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            return DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
            {
                string? formatName = parseResult.GetValue(format);
                var raw = DatasetLoader.Load(parseResult.GetValue(input)!, formatName is null ? null : DatasetLoader.ParseFormat(formatName));
                writer.WriteLine($"Dataset '{raw.Name}' ({DatasetLoader.FormatName(raw.Format)})");
                raw.Report.WriteTo(writer);
                var result = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions
                {
                    Name = parseResult.GetValue(name),
                    MinUserInteractions = parseResult.GetValue(minUser),
                    MinItemInteractions = parseResult.GetValue(minItem),
                    KCore = parseResult.GetValue(kCore),
                    MaxSequenceLength = parseResult.GetValue(maxLength),
                    RemoveDuplicates = parseResult.GetValue(dedup),
                    RequireText = parseResult.GetValue(requireText),
                    Strict = parseResult.GetValue(strict),
                });
                result.Report.WriteTo(writer);
                DatasetStatistics.Compute(result.Dataset, DataCommand.LongTail(parseResult.GetValue(itemThreshold), parseResult.GetValue(userThreshold))).WriteTo(writer);
                string folder = parseResult.GetValue(output)!;
                PreparedDatasetStore.Save(result.Dataset, folder);
                writer.WriteLine($"Saved to {folder} (format version {PreparedDatasetStore.FormatVersion}, fingerprint {result.Dataset.Fingerprint})");
                return 0;
            });
        });
        return command;
    }
}
