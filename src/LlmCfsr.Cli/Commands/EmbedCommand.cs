using System.CommandLine;
using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Prompts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr embed [--encoder bert|llama2|qwen25|minilm] [--model DIR] [--adapter DIR] --data PREPARED_DIR --out FILE</c>:
/// renders every item of a prepared dataset with a prompt template, embeds it and writes the item-embedding
/// cache (docs/embeddings.md). Progress is checkpointed: after an interruption (Ctrl+C, a crash) the same
/// command continues where it stopped. With <c>--users</c> it embeds every user's training history instead
/// (the names of the newest <c>--history-items</c> training items as one text) into a user-embedding file for LLM-ESR.
/// </summary>
public static class EmbedCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var encoder = new Option<string?>("--encoder")
        {
            Description = $"Semantic encoder by name: bert, llama2, qwen25 or minilm (default: {EmbedEncoders.DefaultEncoder}, offline, when no --model is given).",
        };
        var model = new Option<string?>("--model") { Description = "Hugging Face checkpoint folder of the encoder (bert: a BERT folder or minilm, the default; llama2; qwen25)." };
        var adapter = new Option<string?>("--adapter") { Description = "LoRA adapter folder (from llmcfsr finetune) merged into the encoder (bert, llama2, qwen25)." };
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder (from llmcfsr data prepare).", Required = true };
        var output = new Option<string>("--out") { Description = "Item-embedding cache to write (safetensors).", Required = true };
        var template = new Option<string?>("--template")
        {
            Description = $"Prompt template: {string.Join(", ", ItemPromptTemplates.Names)} (default: the dataset's own when its name is one of them, else generic).",
        };
        var device = new Option<string?>("--device") { Description = "Torch device of LLM encoders: cpu, cuda or cuda:N (default cpu)." };
        var batchSize = new Option<int>("--batch-size") { Description = "Texts per forward pass.", DefaultValueFactory = _ => 32 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Items between progress checkpoints.", DefaultValueFactory = _ => 1024 };
        var normalize = new Option<bool>("--normalize") { Description = "L2-normalise the embeddings (MiniLM always does)." };
        var users = new Option<bool>("--users") { Description = "Embed users (their training-history item names as one text, L2-normalised) instead of items, for llm-esr's --user-embeddings." };
        var historyItems = new Option<int>("--history-items") { Description = "With --users: newest training items whose names make a user's text.", DefaultValueFactory = _ => UserHistoryText.DefaultMaxItems };

        var command = new Command("embed", "Embed every item of a prepared dataset with a semantic encoder into a resumable item-embedding cache.");
        foreach (var option in new Option[] { encoder, model, adapter, data, output, template, device, batchSize, checkpointEvery, normalize, users, historyItems })
        {
            command.Options.Add(option);
        }
        command.Subcommands.Add(EmbedCheckCommand.Create());
        command.SetAction((parseResult, cancellationToken) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            string outputPath = parseResult.GetValue(output)!;
            try
            {
                var request = new EmbedRequest(
                    parseResult.GetValue(encoder), parseResult.GetValue(model), parseResult.GetValue(adapter), parseResult.GetValue(device));
                string encoderName = request.ResolveEncoderName();
                var dataset = PreparedDatasetStore.Load(parseResult.GetValue(data)!);
                var promptTemplate = parseResult.GetValue(template) is { } templateName
                    ? ItemPromptTemplates.ByName(templateName)
                    : ItemPromptTemplates.ForDataset(dataset.Name);

                using var services = EmbedEncoders.BuildServices(request.Settings(encoderName));
                var semanticEncoder = services.GetRequiredService<ComponentCatalog>().SemanticEncoder(encoderName);
                if (parseResult.GetValue(users))
                {
                    int maxItems = parseResult.GetValue(historyItems);
                    if (maxItems <= 0)
                    {
                        throw new ArgumentException($"--history-items must be positive (got {maxItems}).");
                    }
                    writer.WriteLine($"Embedding the training histories of {dataset.UserCount} users of '{dataset.Name}' with {encoderName} ({semanticEncoder.ModelId}, {semanticEncoder.Dimension}-d)");
                    var userClock = Stopwatch.StartNew();
                    var cache = UserEmbeddingGenerator.Generate(semanticEncoder, dataset, maxItems, parseResult.GetValue(batchSize), cancellationToken: cancellationToken);
                    cache.Save(outputPath);
                    writer.WriteLine($"Wrote {outputPath}: {cache.UserOrder.Count} x {cache.Dimension} in {userClock.Elapsed.TotalSeconds:F1} s");
                    return Task.FromResult(0);
                }
                var generator = new ItemEmbeddingGenerator(semanticEncoder, promptTemplate, new ItemEmbeddingGenerationOptions
                {
                    BatchSize = parseResult.GetValue(batchSize),
                    CheckpointInterval = parseResult.GetValue(checkpointEvery),
                    Normalize = parseResult.GetValue(normalize),
                });

                writer.WriteLine($"Embedding {dataset.ItemCount} items of '{dataset.Name}' with {encoderName} ({semanticEncoder.ModelId}, {semanticEncoder.Dimension}-d, {generator.Fingerprint.Kind}, adapter {generator.Fingerprint.Adapter}), template {promptTemplate.Fingerprint}");
                var clock = Stopwatch.StartNew();
                var info = generator.Generate(dataset, outputPath, new ThrottledProgress(writer), cancellationToken);
                writer.WriteLine($"Wrote {outputPath}: {info.ItemOrder.Count} x {info.Dimension} in {clock.Elapsed.TotalSeconds:F1} s");
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine($"Interrupted. Finished chunks are kept in {ItemEmbeddingGenerator.PartialDataPath(outputPath)}; run the same command again to continue.");
                return Task.FromResult(130);
            }
            catch (Exception e) when (CliErrors.IsExpected(e))
            {
                error.WriteLine($"error: {CliErrors.Describe(e)}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    /// <summary>Prints progress at most every two seconds, plus the first and last report.</summary>
    private sealed class ThrottledProgress(TextWriter writer) : IProgress<ItemEmbeddingProgress>
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
        private TimeSpan _last = TimeSpan.MinValue;
        private int _lastCompleted = -1;

        public void Report(ItemEmbeddingProgress value)
        {
            bool first = _last == TimeSpan.MinValue;
            bool due = first || value.Completed == value.Total || value.Elapsed - _last >= Interval;
            if (!due || value.Completed == _lastCompleted)
            {
                return;
            }
            _last = value.Elapsed;
            _lastCompleted = value.Completed;
            if (first && value.ResumedFrom > 0)
            {
                writer.WriteLine($"Resuming after {value.ResumedFrom} items found in the checkpoint.");
            }
            double percent = value.Total == 0 ? 100 : 100.0 * value.Completed / value.Total;
            writer.WriteLine($"  {value.Completed}/{value.Total} items ({percent:F0}%), {value.ItemsPerSecond:F1} items/s");
        }
    }
}
