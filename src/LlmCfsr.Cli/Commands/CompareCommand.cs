using System.CommandLine;
using System.Globalization;
using LlmCfsr.Comparison;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Reporting;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr compare --data PREPARED_DIR [--embeddings FILE] [--raw-embeddings FILE] [--user-embeddings FILE] --models sasrec,llm-cfsr,... [--seeds 3] [--protocols sampled:100,full] [--backbone B] [--preset llm-esr] [--long-tail RULE] [--eval-seed N] [training options as train's] --out REPORT_DIR [--force]</c>:
/// every model gets the same epoch cap and patience; the tables report the epochs each run trained and mark runs that did not converge;
/// trains every model with seeds 1..N ("llmemb" after "sasrec" of the same seed, its teacher), evaluates each run under every protocol, and writes the paper-style tables
/// (Markdown, CSV), paired t-tests and PNG charts. See docs/comparison.md.
/// </summary>
public static class CompareCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var shared = new TrainingCommandOptions();
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var models = new Option<string>("--models") { Description = "Comma-separated registered models, in table order (e.g. sasrec,llm-esr,said,llm-cfsr).", Required = true };
        var output = new Option<string>("--out") { Description = "Report directory: runs/MODEL/seed-N, comparison.md, table-*.csv, significance-*.csv, *.png.", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds; runs use seeds 1..N.", DefaultValueFactory = _ => 3 };
        var protocol = new Option<string?>("--protocol") { Description = "Validation and test protocol: sampled:N, popularity:N or full (default sampled:100)." };
        var protocols = new Option<string?>("--protocols") { Description = "Comma-separated test protocols; the first also drives early stopping, every run is evaluated under each without retraining." };
        var buckets = new Option<int>("--popularity-buckets") { Description = "Quantile buckets of target-item popularity in the NDCG@10 chart.", DefaultValueFactory = _ => 5 };
        var force = new Option<bool>("--force") { Description = "Run into a report directory that already holds runs: completed runs with the same options are reused (re-evaluated, not retrained), interrupted ones resume, others are retrained." };
        var command = new Command("compare", "Train several models with several seeds and write paper-style tables (mean ± std, best in bold, paired t-tests) and charts.");
        foreach (var option in new Option[] { data, models, output, seeds, protocol, protocols, buckets, force }.Concat(shared.All))
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, cancellationToken) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            return Task.FromResult(DataCommand.Guarded(error, () =>
            {
                if (parseResult.GetValue(protocol) is not null && parseResult.GetValue(protocols) is not null)
                {
                    throw new ArgumentException("--protocol and --protocols exclude each other; list every protocol in --protocols.");
                }
                int seedCount = parseResult.GetValue(seeds);
                if (seedCount < 1)
                {
                    throw new ArgumentException($"--seeds must be at least 1 (got {seedCount}).");
                }
                var training = shared.Read(parseResult);
                var modelNames = SplitList(parseResult.GetValue(models)!);
                var options = new ComparisonOptions
                {
                    Models = modelNames,
                    Seeds = Enumerable.Range(1, seedCount).ToArray(),
                    Protocols = SplitList(parseResult.GetValue(protocols) ?? parseResult.GetValue(protocol) ?? training.EvaluationProtocol),
                    OutputDirectory = parseResult.GetValue(output)!,
                    Mode = parseResult.GetValue(force) ? ComparisonRunMode.Resume : ComparisonRunMode.New,
                    Training = training,
                };
                using var services = TrainCommandServices.Build(settings: shared.ReadSettings(parseResult));
                options = options with { ModelOptions = shared.ModelOptions(parseResult, services.GetRequiredService<ComponentCatalog>(), modelNames) };
                options.Validate();
                string folder = parseResult.GetValue(data)!;
                var dataset = PreparedDatasetStore.Load(folder);
                var runner = services.GetRequiredService<ComparisonRunner>();
                writer.WriteLine($"Comparing {string.Join(", ", options.Models)} with seeds {string.Join(", ", options.Seeds)} on '{dataset.Name}' ({dataset.UserCount} users, {dataset.ItemCount} items), protocols {string.Join(", ", options.Protocols)}.");
                ComparisonResult result;
                try
                {
                    result = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
                        ? RunWithProgressBar(runner, dataset, folder, options, cancellationToken)
                        : runner.Run(dataset, options, folder, new TrainCommandProgress<ComparisonProgress>(p => WriteProgress(writer, p)), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    error.WriteLine($"Cancelled; continue with the same command and --force (completed runs are reused).");
                    return 130;
                }
                var files = ComparisonReportWriter.Write(result, options.OutputDirectory, parseResult.GetValue(buckets));
                foreach (string protocolName in result.Protocols)
                {
                    writer.WriteLine();
                    writer.Write(ComparisonMarkdown.Write(result.Table(protocolName)));
                }
                writer.WriteLine();
                writer.WriteLine($"Report written to {Path.GetFullPath(options.OutputDirectory)}: {string.Join(", ", files.Select(Path.GetFileName))}");
                int failed = result.Runs.Count(r => !r.Succeeded);
                if (failed > 0)
                {
                    error.WriteLine($"{failed} of {result.Runs.Count} runs failed; see the report.");
                    return 2;
                }
                return 0;
            }));
        });
        return command;
    }

    // Absolute paths keep the recorded options (and --force's reuse check) independent of the working directory.
    private static string[] SplitList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static void WriteProgress(TextWriter writer, ComparisonProgress progress)
    {
        if (progress.Finished is { } run)
        {
            writer.WriteLine(run.Succeeded
                ? string.Create(CultureInfo.InvariantCulture, $"[{progress.Run}/{progress.Runs}] {run.Model} seed {run.Seed}: {(run.Reused ? "reused, " : "")}{string.Join(", ", run.Reports.Select(r => $"{r.Key} test NDCG@10 {r.Value.Groups["overall"]["NDCG@10"]:F4}"))}")
                : $"[{progress.Run}/{progress.Runs}] {run.Model} seed {run.Seed}: FAILED {run.Error}");
        }
        else if (progress.Training is { Validation: { } validation } training)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{progress.Run}/{progress.Runs}] {progress.Model} seed {progress.Seed} epoch {training.Epoch}/{training.Epochs}: loss {training.Loss:F4}, valid NDCG@10 {validation.GetValueOrDefault("NDCG@10"):F4}"));
        }
        else if (progress.Training is null)
        {
            writer.WriteLine($"[{progress.Run}/{progress.Runs}] {progress.Model} seed {progress.Seed}: starting");
        }
    }

    private static ComparisonResult RunWithProgressBar(ComparisonRunner runner, PreparedDataset dataset, string folder, ComparisonOptions options, CancellationToken cancellationToken)
    {
        ComparisonResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var overall = context.AddTask("runs", maxValue: options.Models.Count * options.Seeds.Count);
                var epoch = context.AddTask("epoch", maxValue: 1);
                result = runner.Run(dataset, options, folder, new TrainCommandProgress<ComparisonProgress>(p =>
                {
                    if (p.Finished is { } run)
                    {
                        overall.Increment(1);
                        AnsiConsole.MarkupLine(run.Succeeded
                            ? Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{run.Model} seed {run.Seed}: {string.Join(", ", run.Reports.Select(r => $"{r.Key} NDCG@10 {r.Value.Groups["overall"]["NDCG@10"]:F4}"))}"))
                            : "[red]" + Markup.Escape($"{run.Model} seed {run.Seed} failed: {run.Error}") + "[/]");
                    }
                    else if (p.Training is { } training)
                    {
                        epoch.MaxValue = training.StepsPerEpoch;
                        epoch.Value = training.Step;
                        epoch.Description = string.Create(CultureInfo.InvariantCulture,
                            $"{p.Model} seed {p.Seed} epoch {training.Epoch}/{training.Epochs} loss {training.Loss:F4}");
                    }
                    overall.Description = $"run {p.Run}/{p.Runs}";
                }), cancellationToken);
            });
        return result!;
    }
}
