using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Storage;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr evaluate --run RUN_DIR [--protocol sampled:100|popularity:100|full] [--split test|validation] [--data DIR] [--device D] [--long-tail RULE] [--eval-seed N]</c>:
/// re-evaluates a saved run's best weights (by default with the run's evaluation seed and long-tail groups) and writes the report next to the run.
/// </summary>
public static class EvaluateCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var runOption = new Option<string>("--run") { Description = "Run directory written by llmcfsr train.", Required = true };
        var protocolOption = new Option<string?>("--protocol") { Description = "sampled:N, popularity:N or full (default: the run's protocol)." };
        var splitOption = new Option<string>("--split") { Description = "test or validation.", DefaultValueFactory = _ => "test" };
        var dataOption = new Option<string?>("--data") { Description = "Prepared-dataset folder (default: the one recorded in the run)." };
        var deviceOption = new Option<string?>("--device") { Description = "cpu, cuda or cuda:N (default: the run's device)." };
        var longTailOption = EvaluationCommandOptions.LongTail();
        var evaluationSeedOption = EvaluationCommandOptions.EvaluationSeed();
        var command = new Command("evaluate", "Re-evaluate a saved run under a protocol; writes metrics-<split>-<protocol>.json into the run directory.");
        foreach (var option in new Option[] { runOption, protocolOption, splitOption, dataOption, deviceOption, longTailOption, evaluationSeedOption })
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, cancellationToken) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            return Task.FromResult(DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
            {
                var run = new RunDirectory(parseResult.GetValue(runOption)!);
                if (!run.HoldsRun)
                {
                    throw new ArgumentException($"{run.Path} holds no run ({Path.GetFileName(run.Manifest)} is missing).");
                }
                // The report is written into the run folder: never beside a training that is still writing it.
                using var runLock = FolderLock.Acquire(run.Path);
                var manifest = RunManifest.Read(run.Manifest);
                var split = parseResult.GetValue(splitOption)!.Trim().ToLowerInvariant() switch
                {
                    "test" => DataSplit.Test,
                    "validation" => DataSplit.Validation,
                    var other => throw new ArgumentException($"--split '{other}' is not one of test, validation."),
                };
                string folder = parseResult.GetValue(dataOption) ?? manifest.Dataset.Folder
                    ?? throw new ArgumentException($"{run.Manifest} records no dataset folder; pass --data.");
                var dataset = PreparedDatasetStore.Load(folder);
                var protocol = EvaluationProtocol.Parse(parseResult.GetValue(protocolOption) ?? manifest.Options.EvaluationProtocol);
                var device = TorchDevice.Parse(parseResult.GetValue(deviceOption) ?? manifest.Options.Device);
                using var services = TrainCommandServices.Build(manifest);
                using var model = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), run, dataset, device);
                var evaluation = manifest.Options.EvaluationSettings(protocol, device) with
                {
                    LongTail = EvaluationCommandOptions.LongTailOr(parseResult, longTailOption, manifest.Options.LongTail),
                    Seed = parseResult.GetValue(evaluationSeedOption) ?? manifest.Options.EvaluationSeed,
                };
                var report = RankingEvaluator.Evaluate(model, dataset, split, evaluation, cancellationToken);
                // Reports under other groups or candidates than the run's own get their own file.
                string variant = (evaluation.LongTail == manifest.Options.LongTail ? "" : $"-tail-{evaluation.LongTail.ToString().Replace(':', '-').Replace(',', '-')}")
                    + (evaluation.Seed == manifest.Options.EvaluationSeed ? "" : $"-seed-{evaluation.Seed}");
                string file = Path.Combine(run.Path, $"metrics-{split.ToString().ToLowerInvariant()}-{protocol.ToString().Replace(':', '-')}{variant}.json");
                report.WriteJson(file);
                writer.WriteLine($"{manifest.Options.Model} run in {run.Path} (best epoch {manifest.BestEpoch}):");
                writer.Write(report.ToMarkdown());
                writer.WriteLine($"Written to {file}");
                return 0;
            }));
        });
        return command;
    }
}
