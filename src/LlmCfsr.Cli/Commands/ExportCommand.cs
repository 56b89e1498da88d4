using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Recommendation;
using LlmCfsr.Training;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr export --run RUN_DIR --out BUNDLE_DIR [--data DIR]</c>: writes the self-contained model bundle of a
/// finished run (docs/serving.md), which <c>llmcfsr recommend</c>, <c>RecommenderBundle.Load</c> and the web API load.
/// </summary>
public static class ExportCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runOption = new Option<string>("--run") { Description = "Run directory written by llmcfsr train.", Required = true };
        var outOption = new Option<string>("--out") { Description = "Bundle folder to write (an earlier bundle there is replaced).", Required = true };
        var dataOption = new Option<string?>("--data") { Description = "Prepared-dataset folder (default: the one recorded in the run); only its item ids and attributes are exported." };
        var command = new Command("export", "Export a trained run as a self-contained model bundle for serving.")
        {
            Options = { runOption, outOption, dataOption },
        };
        command.SetAction((parseResult, _) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            return Task.FromResult(DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
            {
                var run = new RunDirectory(parseResult.GetValue(runOption)!);
                if (!run.HoldsRun)
                {
                    throw new ArgumentException($"{run.Path} holds no run ({Path.GetFileName(run.Manifest)} is missing).");
                }
                var recorded = RunManifest.Read(run.Manifest);
                string folder = parseResult.GetValue(dataOption) ?? recorded.Dataset.Folder
                    ?? throw new ArgumentException($"{run.Manifest} records no dataset folder; pass --data.");
                var output = Path.GetFullPath(parseResult.GetValue(outOption)!);
                using var services = TrainCommandServices.Build(recorded);
                var manifest = RecommenderBundle.Export(run, PreparedDatasetStore.Load(folder), output, services);
                var size = manifest.DataFiles().Sum(file => new FileInfo(Path.Combine(output, file)).Length);
                writer.WriteLine($"Bundle of {manifest.Model} ({manifest.ItemCount:N0} items{(manifest.Encoder is null ? "" : ", item embeddings and PCA basis for new items")}, {size / 1024.0 / 1024.0:F1} MiB) written to {output}");
                return 0;
            }));
        });
        return command;
    }
}
