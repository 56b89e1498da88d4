using System.CommandLine;
using System.Globalization;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr train --data PREPARED_DIR [--model NAME] [--backbone sasrec|gru4rec|bert4rec] [--embeddings FILE]
/// [--raw-embeddings FILE] [--teacher-run DIR] [--user-embeddings FILE] [--preset llm-esr] [--long-tail RULE] [--eval-seed N] [--loss ...] [--epochs ...] --out RUN_DIR</c>:
/// trains any registered model with validation and early stopping, keeps the best checkpoint and writes the test
/// split's metrics.json. <c>--backbone</c> alone trains that id-only model; with an LLM-enhanced <c>--model</c> it
/// picks the model's backbone.
/// </summary>
public static class TrainCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var defaults = new TrainingOptions();
        var shared = new TrainingCommandOptions();
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var model = new Option<string?>("--model")
        {
            Description = "Registered model: sasrec, gru4rec, bert4rec, llm2x, said (--embeddings from finetune --objective said), llminit, llm-esr, llmemb, cities, melt (both --teacher-run), llm-cfsr, llm-cfsr-no-cft, llm-cfsr-no-semantic, llm-cfsr-no-collaborative, llm-cfsr-no-cross-attention, llm-cfsr-no-sharing; our variants llm-cfsr-own-sequence, llm-cfsr-gated, llm-cfsr-gated-ce, llm-cfsr-residual-fusion, llm-cfsr-positioned, llm-cfsr-ce (default: --backbone, else sasrec).",
        };
        var teacherRun = new Option<string?>("--teacher-run") { Description = "Finished id-only run (e.g. sasrec, same --hidden) whose item table llmemb aligns to, and which cities and melt start from (cities fits its inference network on its own convergence schedule, where --epochs and --patience do not apply)." };
        var output = new Option<string>("--out") { Description = "Run directory to write.", Required = true };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var protocol = new Option<string>("--protocol") { Description = "Validation and test protocol: sampled:N, popularity:N or full.", DefaultValueFactory = _ => defaults.EvaluationProtocol };
        var force = new Option<bool>("--force") { Description = "Overwrite a run directory that already holds a run." };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run in the run directory from its last completed epoch." };
        var command = new Command("train", "Train a sequential recommender with validation, early stopping and checkpoints; writes the test split's metrics.json.");
        foreach (var option in new Option[] { data, model, teacherRun, output, seed, protocol, force, resume }.Concat(shared.All))
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, cancellationToken) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            if (parseResult.GetValue(force) && parseResult.GetValue(resume))
            {
                error.WriteLine("error: --force and --resume exclude each other.");
                return Task.FromResult(1);
            }
            return Task.FromResult(DataCommand.Guarded(error, () =>
            {
                var modelName = parseResult.GetValue(model) ?? parseResult.GetValue(shared.Backbone) ?? defaults.Model;
                var basis = shared.Read(parseResult);
                var options = basis with
                {
                    Model = modelName,
                    TeacherRunDirectory = FullPath(parseResult.GetValue(teacherRun)),
                    Seed = EvaluationCommandOptions.Pick(parseResult, seed, basis.Seed),
                    EvaluationProtocol = EvaluationCommandOptions.Pick(parseResult, protocol, basis.EvaluationProtocol)!,
                };
                options.Validate();
                string folder = parseResult.GetValue(data)!;
                var dataset = PreparedDatasetStore.Load(folder);
                var mode = parseResult.GetValue(force) ? TrainingRunMode.Overwrite : parseResult.GetValue(resume) ? TrainingRunMode.Resume : TrainingRunMode.New;
                using var services = TrainCommandServices.Build(settings: shared.ReadSettings(parseResult));
                // --backbone alone names the id-only model; with --model it is the backbone of an LLM-enhanced one.
                var modelOptions = parseResult.GetValue(model) is null ? [] : shared.ModelOptions(parseResult, services.GetRequiredService<ComponentCatalog>(), [modelName]);
                var request = new TrainingRequest
                {
                    Dataset = dataset, DatasetFolder = folder, Options = options, ModelOptions = modelOptions.GetValueOrDefault(modelName),
                    RunDirectory = parseResult.GetValue(output)!, Mode = mode,
                };
                var trainer = services.GetRequiredService<RecommenderTrainer>();
                writer.WriteLine($"Training {options.Model} on '{dataset.Name}' ({dataset.UserCount} users, {dataset.ItemCount} items) on {options.Device}.");
                TrainingResult result;
                try
                {
                    result = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected
                        ? TrainWithProgressBar(trainer, request, cancellationToken)
                        : trainer.Train(request, new TrainCommandProgress<TrainingProgress>(p => WriteEpoch(writer, p)), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    error.WriteLine($"Cancelled; resume with --resume --out {request.RunDirectory}.");
                    return 130;
                }
                using (result.Model)
                {
                    writer.WriteLine($"Best epoch {result.Manifest.BestEpoch} of {result.Manifest.History.Count}{(result.Manifest.StoppedEarly ? " (stopped early)" : "")}. Test metrics:");
                    writer.Write(result.Test.ToMarkdown());
                    writer.WriteLine($"Run written to {new RunDirectory(request.RunDirectory).Path}");
                }
                return 0;
            }));
        });
        return command;
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);

    private static void WriteEpoch(TextWriter writer, TrainingProgress progress)
    {
        if (progress.Validation is { } validation)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {progress.Epoch}/{progress.Epochs}: loss {progress.Loss:F4}, {progress.SequencesPerSecond:F0} seq/s, valid NDCG@10 {validation.GetValueOrDefault("NDCG@10"):F4}, HR@10 {validation.GetValueOrDefault("HR@10"):F4}"));
        }
    }

    private static TrainingResult TrainWithProgressBar(RecommenderTrainer trainer, TrainingRequest request, CancellationToken cancellationToken)
    {
        TrainingResult? result = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("epoch 1", maxValue: 1);
                result = trainer.Train(request, new TrainCommandProgress<TrainingProgress>(p =>
                {
                    task.MaxValue = p.StepsPerEpoch;
                    task.Value = p.Step;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch}/{p.Epochs} loss {p.Loss:F4} {p.SequencesPerSecond:F0} seq/s");
                    if (p.Validation is { } validation)
                    {
                        AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                            $"epoch {p.Epoch}: loss {p.Loss:F4}, {p.SequencesPerSecond:F0} seq/s, valid NDCG@10 {validation.GetValueOrDefault("NDCG@10"):F4}, HR@10 {validation.GetValueOrDefault("HR@10"):F4}")));
                    }
                }), cancellationToken);
            });
        return result!;
    }
}
