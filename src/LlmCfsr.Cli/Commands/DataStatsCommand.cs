using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Data.Loading;
using LlmCfsr.Data.Preprocessing;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr data stats --input PATH [--format F]</c>: prints what was loaded and the statistics (users, items,
/// interactions, lengths, sparsity, long-tail shares). A prepared-dataset folder is read as is; a source dataset is
/// loaded and prepared without filters (users with fewer than 3 interactions are dropped and counted).
/// </summary>
public static class DataStatsCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var input = DataCommand.InputOption();
        var format = DataCommand.FormatOption();
        var itemThreshold = DataCommand.ItemThresholdOption();
        var userThreshold = DataCommand.UserThresholdOption();
        var command = new Command("stats", "Print dataset statistics: users, items, interactions, mean length, sparsity and long-tail shares.");
        command.Options.Add(input);
        command.Options.Add(format);
        command.Options.Add(itemThreshold);
        command.Options.Add(userThreshold);
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
            {
                string path = parseResult.GetValue(input)!;
                PreparedDataset dataset;
                if (Directory.Exists(path) && PreparedDatasetStore.IsPreparedDatasetFolder(path))
                {
                    dataset = PreparedDatasetStore.Load(path);
                    output.WriteLine($"Prepared dataset '{dataset.Name}' (fingerprint {dataset.Fingerprint})");
                }
                else
                {
                    string? formatName = parseResult.GetValue(format);
                    var raw = DatasetLoader.Load(path, formatName is null ? null : DatasetLoader.ParseFormat(formatName));
                    output.WriteLine($"Dataset '{raw.Name}' ({DatasetLoader.FormatName(raw.Format)})");
                    raw.Report.WriteTo(output);
                    var prepared = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions());
                    prepared.Report.WriteTo(output);
                    dataset = prepared.Dataset;
                }
                DatasetStatistics.Compute(dataset, DataCommand.LongTail(parseResult.GetValue(itemThreshold), parseResult.GetValue(userThreshold))).WriteTo(output);
                return 0;
            });
        });
        return command;
    }
}
