using System.CommandLine;
using System.Globalization;
using LlmCfsr.Comparison;
using LlmCfsr.Data;
using LlmCfsr.Reporting;
using LlmCfsr.Training;
using Spectre.Console;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr compare --data PREPARED_DIR [--embeddings FILE] [--raw-embeddings FILE] [--user-embeddings FILE] --models sasrec,llm-cfsr,... [--seeds 3] [--protocols sampled:100,full] [training options] --out REPORT_DIR [--force]</c>:
/// trains every model with seeds 1..N ("llmemb" after "sasrec" of the same seed, its teacher), evaluates each run under every protocol, and writes the paper-style tables
/// (Markdown, CSV), paired t-tests and PNG charts. See docs/comparison.md.
/// </summary>
public static class CompareCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var embeddings = new Option<string?>("--embeddings") { Description = "Fine-tuned (CFT) item-embedding cache (llmcfsr embed) for the LLM-enhanced models." };
        var rawEmbeddings = new Option<string?>("--raw-embeddings") { Description = "Raw LLM item embeddings for llm-cfsr-no-cft and llm-esr; required by them (never replaced by --embeddings)." };
        var userEmbeddings = new Option<string?>("--user-embeddings") { Description = "User embeddings of the training histories (llmcfsr embed --users) for llm-esr." };
        var models = new Option<string>("--models") { Description = "Comma-separated registered models, in table order (e.g. sasrec,llm-esr,said,llm-cfsr).", Required = true };
        var output = new Option<string>("--out") { Description = "Report directory: runs/MODEL/seed-N, comparison.md, table-*.csv, significance-*.csv, *.png.", Required = true };
        var seeds = new Option<int>("--seeds") { Description = "Number of seeds; runs use seeds 1..N.", DefaultValueFactory = _ => 3 };
        var protocol = new Option<string?>("--protocol") { Description = "Validation and test protocol: sampled:N, popularity:N or full (default sampled:100)." };
        var protocols = new Option<string?>("--protocols") { Description = "Comma-separated test protocols; the first also drives early stopping, every run is evaluated under each without retraining." };
        var loss = new Option<string?>("--loss") { Description = "Ranking loss for every model (default: each model's own)." };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var patience = new Option<int>("--patience") { Description = "Epochs without a better validation NDCG@10 before stopping.", DefaultValueFactory = _ => defaults.Patience };
        var batchSize = new Option<int>("--batch-size") { Description = "Training sequences per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var maxLength = new Option<int>("--max-len") { Description = "Longest window of newest items.", DefaultValueFactory = _ => defaults.MaxLength };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size.", DefaultValueFactory = _ => defaults.HiddenSize };
        var layers = new Option<int>("--layers") { Description = "Blocks or recurrent layers.", DefaultValueFactory = _ => defaults.Layers };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => defaults.Heads };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability.", DefaultValueFactory = _ => defaults.Dropout };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => defaults.Device };
        var buckets = new Option<int>("--popularity-buckets") { Description = "Quantile buckets of target-item popularity in the NDCG@10 chart.", DefaultValueFactory = _ => 5 };
        var force = new Option<bool>("--force") { Description = "Run into a report directory that already holds runs: completed runs with the same options are reused (re-evaluated, not retrained), interrupted ones resume, others are retrained." };
        var command = new Command("compare", "Train several models with several seeds and write paper-style tables (mean ± std, best in bold, paired t-tests) and charts.");
        foreach (var option in new Option[] { data, embeddings, rawEmbeddings, userEmbeddings, models, output, seeds, protocol, protocols, loss, epochs, patience, batchSize, learningRate, weightDecay, maxLength, hidden, layers, heads, dropout, device, buckets, force })
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
                var options = new ComparisonOptions
                {
                    Models = SplitList(parseResult.GetValue(models)!),
                    Seeds = Enumerable.Range(1, seedCount).ToArray(),
                    Protocols = SplitList(parseResult.GetValue(protocols) ?? parseResult.GetValue(protocol) ?? defaults.EvaluationProtocol),
                    OutputDirectory = parseResult.GetValue(output)!,
                    Mode = parseResult.GetValue(force) ? ComparisonRunMode.Resume : ComparisonRunMode.New,
                    Training = defaults with
                    {
                        Loss = parseResult.GetValue(loss),
                        Epochs = parseResult.GetValue(epochs),
                        Patience = parseResult.GetValue(patience),
                        BatchSize = parseResult.GetValue(batchSize),
                        LearningRate = parseResult.GetValue(learningRate),
                        WeightDecay = parseResult.GetValue(weightDecay),
                        MaxLength = parseResult.GetValue(maxLength),
                        HiddenSize = parseResult.GetValue(hidden),
                        Layers = parseResult.GetValue(layers),
                        Heads = parseResult.GetValue(heads),
                        Dropout = parseResult.GetValue(dropout),
                        Device = parseResult.GetValue(device)!,
                        SemanticEmbeddingsPath = FullPathOrNull(parseResult.GetValue(embeddings)),
                        RawSemanticEmbeddingsPath = FullPathOrNull(parseResult.GetValue(rawEmbeddings)),
                        UserEmbeddingsPath = FullPathOrNull(parseResult.GetValue(userEmbeddings)),
                    },
                };
                options.Validate();
                string folder = parseResult.GetValue(data)!;
                var dataset = PreparedDatasetStore.Load(folder);
                using var services = TrainCommandServices.Build();
                var runner = new ComparisonRunner(services);
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
    private static string? FullPathOrNull(string? path) => path is null ? null : Path.GetFullPath(path);

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
