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
/// [--raw-embeddings FILE] [--teacher-run DIR] [--user-embeddings FILE] [--loss ...] [--epochs ...] --out RUN_DIR</c>:
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
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var model = new Option<string?>("--model")
        {
            Description = "Registered model: sasrec, gru4rec, bert4rec, llm2x, said, llm-esr, llmemb, llm-cfsr, llm-cfsr-no-cft, llm-cfsr-no-semantic, llm-cfsr-no-collaborative, llm-cfsr-no-cross-attention, llm-cfsr-no-sharing (default: --backbone, else sasrec).",
        };
        var backbone = new Option<string?>("--backbone") { Description = "Backbone: sasrec, gru4rec or bert4rec. Alone it names the id-only model; with an LLM-enhanced --model it is that model's backbone (default sasrec)." };
        var embeddings = new Option<string?>("--embeddings") { Description = "Item-embedding cache (llmcfsr embed; fine-tuned for LLM-CFSR) of the LLM-enhanced models." };
        var rawEmbeddings = new Option<string?>("--raw-embeddings") { Description = "Raw LLM item embeddings without CFT for llm-esr and llm-cfsr-no-cft; required by them (never replaced by --embeddings)." };
        var teacherRun = new Option<string?>("--teacher-run") { Description = "Finished id-only run (e.g. sasrec, same --hidden) whose item table llmemb aligns to." };
        var userEmbeddings = new Option<string?>("--user-embeddings") { Description = "User embeddings of the training histories for llm-esr (llmcfsr embed --users)." };
        var output = new Option<string>("--out") { Description = "Run directory to write.", Required = true };
        var loss = new Option<string?>("--loss") { Description = "Ranking loss: bce, bpr, ce or sampled-softmax (default: bce for causal backbones, ce for bert4rec)." };
        var objective = new Option<string?>("--objective") { Description = "all (every position, causal), last (last position, causal) or masked (bidirectional); default follows the backbone." };
        var maskProbability = new Option<double>("--mask-prob") { Description = "Mask probability of masked-item training.", DefaultValueFactory = _ => defaults.MaskProbability };
        var epochs = new Option<int>("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => defaults.Epochs };
        var patience = new Option<int>("--patience") { Description = "Epochs without a better validation NDCG@10 before stopping.", DefaultValueFactory = _ => defaults.Patience };
        var batchSize = new Option<int>("--batch-size") { Description = "Training sequences per step.", DefaultValueFactory = _ => defaults.BatchSize };
        var learningRate = new Option<double>("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => defaults.LearningRate };
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay.", DefaultValueFactory = _ => defaults.WeightDecay };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "Adam or AdamW.", DefaultValueFactory = _ => defaults.Optimizer };
        var clip = new Option<double>("--clip") { Description = "Maximum gradient norm (0 = off).", DefaultValueFactory = _ => defaults.GradientClipNorm };
        var maxLength = new Option<int>("--max-len") { Description = "Longest window of newest items.", DefaultValueFactory = _ => defaults.MaxLength };
        var hidden = new Option<int>("--hidden") { Description = "Hidden size.", DefaultValueFactory = _ => defaults.HiddenSize };
        var layers = new Option<int>("--layers") { Description = "Blocks or recurrent layers.", DefaultValueFactory = _ => defaults.Layers };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => defaults.Heads };
        var dropout = new Option<double>("--dropout") { Description = "Dropout probability.", DefaultValueFactory = _ => defaults.Dropout };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => defaults.Seed };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => defaults.Device };
        var protocol = new Option<string>("--protocol") { Description = "Validation and test protocol: sampled:N, popularity:N or full.", DefaultValueFactory = _ => defaults.EvaluationProtocol };
        var force = new Option<bool>("--force") { Description = "Overwrite a run directory that already holds a run." };
        var resume = new Option<bool>("--resume") { Description = "Continue the interrupted run in the run directory from its last completed epoch." };
        var threads = new Option<int>("--threads") { Description = "CPU threads for TorchSharp (0 = libtorch's default); 1 is fastest on a busy machine." };
        var command = new Command("train", "Train a sequential recommender with validation, early stopping and checkpoints; writes the test split's metrics.json.");
        foreach (var option in new Option[] { data, model, backbone, embeddings, rawEmbeddings, teacherRun, userEmbeddings, output, loss, objective, maskProbability, epochs, patience, batchSize, learningRate, weightDecay, optimizer, clip, maxLength, hidden, layers, heads, dropout, seed, device, protocol, force, resume, threads })
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
                var modelName = parseResult.GetValue(model) ?? parseResult.GetValue(backbone) ?? defaults.Model;
                var configuration = new Dictionary<string, string?>();
                using (var probe = TrainCommandServices.Build())
                {
                    var factory = probe.GetRequiredService<ComponentCatalog>().RecommenderModel(modelName);
                    if (parseResult.GetValue(model) is not null && parseResult.GetValue(backbone) is { } chosen)
                    {
                        if (factory is IdOnlyRecommenderFactory && !string.Equals(chosen, factory.Name, StringComparison.OrdinalIgnoreCase))
                        {
                            throw new ArgumentException($"--model {modelName} is the id-only model on its own backbone; train --model {chosen} instead of passing --backbone {chosen}.");
                        }
                        configuration[$"{LlmEnhancedModelOptions.Section}:{nameof(LlmEnhancedModelOptions.Backbone)}"] = chosen;
                    }
                }
                var options = new TrainingOptions
                {
                    Model = modelName,
                    SemanticEmbeddingsPath = FullPath(parseResult.GetValue(embeddings)),
                    RawSemanticEmbeddingsPath = FullPath(parseResult.GetValue(rawEmbeddings)),
                    TeacherRunDirectory = FullPath(parseResult.GetValue(teacherRun)),
                    UserEmbeddingsPath = FullPath(parseResult.GetValue(userEmbeddings)),
                    Loss = parseResult.GetValue(loss),
                    Objective = ParseObjective(parseResult.GetValue(objective)),
                    MaskProbability = parseResult.GetValue(maskProbability),
                    Epochs = parseResult.GetValue(epochs),
                    Patience = parseResult.GetValue(patience),
                    BatchSize = parseResult.GetValue(batchSize),
                    LearningRate = parseResult.GetValue(learningRate),
                    WeightDecay = parseResult.GetValue(weightDecay),
                    Optimizer = parseResult.GetValue(optimizer),
                    GradientClipNorm = parseResult.GetValue(clip),
                    MaxLength = parseResult.GetValue(maxLength),
                    HiddenSize = parseResult.GetValue(hidden),
                    Layers = parseResult.GetValue(layers),
                    Heads = parseResult.GetValue(heads),
                    Dropout = parseResult.GetValue(dropout),
                    Seed = parseResult.GetValue(seed),
                    Device = parseResult.GetValue(device)!,
                    EvaluationProtocol = parseResult.GetValue(protocol)!,
                };
                options.Validate();
                int threadCount = parseResult.GetValue(threads);
                if (threadCount < 0)
                {
                    throw new ArgumentException($"--threads must be 0 (libtorch default) or positive (got {threadCount}).");
                }
                if (threadCount > 0)
                {
                    TorchSharp.torch.set_num_threads(threadCount);
                }
                string folder = parseResult.GetValue(data)!;
                var dataset = PreparedDatasetStore.Load(folder);
                var mode = parseResult.GetValue(force) ? TrainingRunMode.Overwrite : parseResult.GetValue(resume) ? TrainingRunMode.Resume : TrainingRunMode.New;
                var request = new TrainingRequest { Dataset = dataset, DatasetFolder = folder, Options = options, RunDirectory = parseResult.GetValue(output)!, Mode = mode };
                using var services = TrainCommandServices.Build(configuration);
                var trainer = new RecommenderTrainer(services);
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

    private static TrainingObjective ParseObjective(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => TrainingObjective.Auto,
        "all" => TrainingObjective.AllPositions,
        "last" => TrainingObjective.LastPosition,
        "masked" => TrainingObjective.Masked,
        _ => throw new ArgumentException($"--objective '{text}' is not one of all, last, masked."),
    };

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
