using System.CommandLine;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders.Bert;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Prompts;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr finetune --encoder bert|llama2|qwen25 --model DIR_OR_minilm --data PREPARED_DIR --out ADAPTER_DIR</c>:
/// contrastive fine-tuning (CFT) of a LoRA adapter on the items of a prepared dataset, with resumable checkpoints in
/// <c>OUT/checkpoints</c>; saves a PEFT adapter into OUT. With <c>--objective said</c>, SAID's stage 1 on a decoder LLM
/// instead: saves the learned item embeddings as <c>OUT/item_embeddings.safetensors</c> (kind "said-stage1", the input of
/// model <c>said</c>). Ctrl+C saves the last finished step; the same command continues.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>The initial temperature of LLMEmb's SCFT (official code).</summary>
    private const double LlmEmbInitialTemperature = 3.0;

    /// <summary>The file SAID's stage 1 writes its item embeddings to, inside OUT.</summary>
    public const string SaidEmbeddingsFile = "item_embeddings.safetensors";

    private static readonly Dictionary<string, string> FamilyOfEncoder = new(StringComparer.OrdinalIgnoreCase)
    {
        ["bert"] = "bert",
        ["llama2"] = "llama",
        ["qwen25"] = "qwen2",
    };

    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var encoder = new Option<string?>("--encoder") { Description = "bert, llama2 or qwen25 (default: from the model_type of the folder's config.json)." };
        encoder.AcceptOnlyFromAmong("bert", "llama2", "qwen25");
        var model = new Option<string>("--model") { Description = $"Hugging Face checkpoint folder, or '{BertTrainableEncoder.PackagedMiniLm}' for the packaged all-MiniLM-L6-v2.", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Adapter folder to write (adapter_model.safetensors, adapter_config.json; checkpoints in OUT/checkpoints).", Required = true };
        var rank = new Option<int>("--lora-rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 8 };
        var alpha = new Option<double>("--lora-alpha") { Description = "LoRA alpha (scale alpha / r).", DefaultValueFactory = _ => 16 };
        var dropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.05 };
        var targets = new Option<string?>("--lora-targets") { Description = "Comma-separated target projections (default: every attention and feed-forward projection of the family)." };
        var dropProbability = new Option<double>("--drop-prob") { Description = "Probability r of dropping each attribute in a view.", DefaultValueFactory = _ => 0.2 };
        var views = new Option<int>("--views") { Description = "Views K per item.", DefaultValueFactory = _ => 2 };
        var shuffle = new Option<bool>("--shuffle") { Description = "Shuffle the kept attributes of each view (LLMEmb)." };
        var objective = new Option<string>("--objective") { Description = "paper (LLM-CFSR's CFT loss), infonce (standard InfoNCE), supcon (supervised contrastive), scft (LLMEmb's SCFT: shuffle-and-drop view pairs, soft-target loss) or said (SAID's stage 1: item-id embeddings through a projector to soft tokens a frozen decoder LLM must continue with the item's text; writes OUT/item_embeddings.safetensors).", DefaultValueFactory = _ => "paper" };
        objective.AcceptOnlyFromAmong("paper", "infonce", "supcon", "scft", "said");
        var softTokens = new Option<int>("--soft-tokens") { Description = "said: soft tokens per item the projector makes.", DefaultValueFactory = _ => 1 };
        var itemDimension = new Option<int>("--item-dim") { Description = "said: size of an item-id embedding (0 = the LLM's hidden size).", DefaultValueFactory = _ => 0 };
        var saidLora = new Option<bool>("--said-lora") { Description = "said: also train a LoRA adapter on the decoder (--lora-*); by default the decoder is frozen." };
        var similarity = new Option<string>("--similarity") { Description = "dot (inner product, the paper's) or cosine.", DefaultValueFactory = _ => "dot" };
        similarity.AcceptOnlyFromAmong("dot", "cosine");
        var template = new Option<string?>("--template") { Description = "Prompt template: beauty, fashion, yelp or generic (default: from the dataset name)." };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the items.", DefaultValueFactory = _ => 1 };
        var maxSteps = new Option<int>("--max-steps") { Description = "Stop after N optimizer steps (0 = all epochs)." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Most items per micro-batch (default 32; 8 for said)." };
        var tokenBudget = new Option<int>("--token-budget") { Description = "Most padded tokens per micro-batch over all views (0 = no limit)." };
        var accumulation = new Option<int>("--grad-accum") { Description = "Micro-batches per optimizer step.", DefaultValueFactory = _ => 1 };
        var learningRate = new Option<double?>("--lr") { Description = "AdamW learning rate of the LoRA weights (default 1e-4); for said, of the id table, projector and any LoRA weights (default 2e-4)." };
        var temperatureLearningRate = new Option<double?>("--temperature-lr") { Description = "AdamW learning rate of the temperature (default: --lr)." };
        var temperature = new Option<double?>("--temperature") { Description = "Initial (learnable) temperature (default 0.07; 3 for scft, as LLMEmb)." };
        var maxTokens = new Option<int?>("--max-tokens") { Description = "Longest view in tokens (default 128); for said, longest item text (default 196)." };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Write a resumable checkpoint every N steps (0 = only at the end and on Ctrl+C).", DefaultValueFactory = _ => 50 };
        var restart = new Option<bool>("--restart") { Description = "Ignore checkpoints in OUT/checkpoints and start over." };
        var seed = new Option<int>("--seed") { Description = "Seed of LoRA initialisation, item order, views and dropout.", DefaultValueFactory = _ => 42 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "Base weight dtype: float32, float16 or bfloat16.", DefaultValueFactory = _ => "float32" };
        var command = new Command("finetune", "Contrastive fine-tuning (CFT) of a LoRA adapter on item texts (saves a PEFT-compatible adapter), or SAID's stage 1 (--objective said: saves item embeddings).");
        foreach (var option in new Option[] { encoder, model, data, output, rank, alpha, dropout, targets, dropProbability, views, shuffle, objective, softTokens, itemDimension, saidLora, similarity, template, epochs, maxSteps, batchSize, tokenBudget, accumulation, learningRate, temperatureLearningRate, temperature, maxTokens, checkpointEvery, restart, seed, device, dtype })
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, cancellationToken) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            var outFolder = parseResult.GetValue(output)!.FullName;
            var checkpoints = Path.Combine(outFolder, "checkpoints");
            try
            {
                var modelPath = parseResult.GetValue(model)!;
                var folder = string.Equals(modelPath, BertTrainableEncoder.PackagedMiniLm, StringComparison.OrdinalIgnoreCase) ? modelPath : Path.GetFullPath(modelPath);
                var dataset = PreparedDatasetStore.Load(parseResult.GetValue(data)!.FullName);
                var prompt = parseResult.GetValue(template) is { } name ? ItemPromptTemplates.ByName(name) : ItemPromptTemplates.ForDataset(dataset.Name);
                using var services = EmbedEncoders.BuildServices(new Dictionary<string, string?>());
                using var trainable = services.GetRequiredService<TrainableTextEncoders>()
                    .FromPretrained(folder, DecoderRuntime.ParseDType(parseResult.GetValue(dtype)!), new torch.Device(parseResult.GetValue(device)!));
                if (parseResult.GetValue(encoder) is { } requested && FamilyOfEncoder[requested] != trainable.Family)
                {
                    throw new ArgumentException($"--encoder {requested} expects a {FamilyOfEncoder[requested]} model, but '{modelPath}' is a {trainable.Family} model.");
                }
                bool said = parseResult.GetValue(objective) == "said";
                torch.manual_seed(parseResult.GetValue(seed));
                if (!said || parseResult.GetValue(saidLora))
                {
                    trainable.AddLora(new LoraSettings
                    {
                    Rank = parseResult.GetValue(rank),
                    Alpha = parseResult.GetValue(alpha),
                    Dropout = parseResult.GetValue(dropout),
                    TargetModules = parseResult.GetValue(targets) is { } list
                        ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        : trainable.LoraTargetModules,
                    });
                }
                if (parseResult.GetValue(restart) && Directory.Exists(checkpoints))
                {
                    Directory.Delete(checkpoints, recursive: true);
                }
                // The loop settings the objectives share, over each objective's own defaults (batch size, learning rate, longest text).
                FineTuningLoopOptions WithLoopSettings(FineTuningLoopOptions defaults) => defaults with
                {
                    Epochs = parseResult.GetValue(epochs),
                    MaxSteps = parseResult.GetValue(maxSteps),
                    BatchSize = parseResult.GetValue(batchSize) ?? defaults.BatchSize,
                    TokenBudget = parseResult.GetValue(tokenBudget),
                    GradientAccumulationSteps = parseResult.GetValue(accumulation),
                    LearningRate = parseResult.GetValue(learningRate) ?? defaults.LearningRate,
                    MaxTokens = parseResult.GetValue(maxTokens) ?? defaults.MaxTokens,
                    Seed = parseResult.GetValue(seed),
                    CheckpointEvery = parseResult.GetValue(checkpointEvery),
                    CheckpointFolder = checkpoints,
                };
                if (said)
                {
                    var saidOptions = (SaidFineTuningOptions)WithLoopSettings(new SaidFineTuningOptions
                    {
                        SoftTokens = parseResult.GetValue(softTokens),
                        ItemDimension = parseResult.GetValue(itemDimension),
                    });
                    return Task.FromResult(RunSaid(trainable, dataset, prompt, saidOptions, outFolder, writer, cancellationToken));
                }
                var contrastiveObjective = parseResult.GetValue(objective) switch
                {
                    "infonce" => ContrastiveObjective.InfoNce,
                    "supcon" => ContrastiveObjective.SupervisedContrastive,
                    "scft" => ContrastiveObjective.Scft,
                    _ => ContrastiveObjective.CfsrPaper,
                };
                var defaults = new ContrastiveFineTuningOptions();
                var options = (ContrastiveFineTuningOptions)WithLoopSettings(defaults with
                {
                    TemperatureLearningRate = parseResult.GetValue(temperatureLearningRate),
                    InitialTemperature = parseResult.GetValue(temperature) ?? (contrastiveObjective == ContrastiveObjective.Scft ? LlmEmbInitialTemperature : defaults.InitialTemperature),
                    Objective = contrastiveObjective,
                    Similarity = parseResult.GetValue(similarity) == "cosine" ? ContrastiveSimilarity.Cosine : ContrastiveSimilarity.InnerProduct,
                });
                var viewOptions = new AttributeViewOptions { DropProbability = parseResult.GetValue(dropProbability), ViewCount = parseResult.GetValue(views), Shuffle = parseResult.GetValue(shuffle) };
                // SCFT makes its own view pairs (ShuffleDropViews): --views, --drop-prob and --shuffle do not apply to it.
                var viewsDone = contrastiveObjective == ContrastiveObjective.Scft
                    ? $"2 views, each the attributes shuffled with floor({ShuffleDropViews.LlmEmbDropFraction}·K) of K dropped"
                    : $"{viewOptions.ViewCount} views, drop {viewOptions.DropProbability}{(viewOptions.Shuffle ? ", shuffled" : "")}";
                writer.WriteLine($"CFT of {trainable.BaseModelName} ({trainable.Family}) on '{dataset.Name}' ({dataset.ItemCount} items, template {prompt.Name}): {options.Objective}/{options.Similarity}, {viewsDone}, LoRA r={trainable.Lora!.Rank} on {string.Join(",", trainable.Lora.TargetModules)}, {options.Epochs} epoch(s), <= {options.BatchSize} items{(options.TokenBudget > 0 ? $" / {options.TokenBudget} tokens" : "")} x {options.GradientAccumulationSteps} per step");
                var progress = new ThrottledProgress(writer);
                var result = ContrastiveFineTuner.Train(trainable, dataset.ItemAttributes, prompt, viewOptions, options, progress, cancellationToken);
                ContrastiveFineTuner.SaveAdapter(trainable, outFolder, options.Objective);
                writer.WriteLine($"Saved adapter to {outFolder}{(result.ResumedFromStep > 0 ? $" (resumed from step {result.ResumedFromStep})" : "")}: {result.TrainableParameters} trained parameters, {result.ItemsUsed} items with attributes, loss {result.Losses[0]:F4} -> {result.Losses[^1]:F4}, temperature {result.Temperature:F4}.");
                return Task.FromResult(0);
            }
            catch (OperationCanceledException)
            {
                error.WriteLine($"Interrupted. The last finished step is saved in {checkpoints}; run the same command again to continue.");
                return Task.FromResult(130);
            }
            catch (Exception e) when (e is InvalidDataException or InvalidOperationException or FileNotFoundException or DirectoryNotFoundException
                                           or ArgumentException or KeyNotFoundException or IOException)
            {
                error.WriteLine($"error: {e.Message}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    /// <summary>SAID's stage 1: trains the item embeddings and writes them, with their provenance, as OUT/item_embeddings.safetensors.</summary>
    private static int RunSaid(ITrainableTextEncoder trainable, PreparedDataset dataset, ItemPromptTemplate prompt, SaidFineTuningOptions options, string outFolder,
        TextWriter writer, CancellationToken cancellationToken)
    {
        var fingerprint = SaidFineTuner.CacheFingerprint(trainable, prompt, options);
        writer.WriteLine($"SAID stage 1 with {trainable.BaseModelName} ({trainable.Family}, decoder {(trainable.Lora is null ? "frozen" : $"frozen + LoRA r={trainable.Lora.Rank}")}) on '{dataset.Name}' ({dataset.ItemCount} items, template {prompt.Name}): {options.SoftTokens} soft token(s), {options.Epochs} epoch(s), <= {options.BatchSize} items{(options.TokenBudget > 0 ? $" / {options.TokenBudget} positions" : "")} x {options.GradientAccumulationSteps} per step, lr {options.LearningRate}");
        var progress = new ThrottledSaidProgress(writer);
        var result = SaidFineTuner.Train(trainable, dataset.ItemAttributes, prompt, options, progress, cancellationToken);
        Directory.CreateDirectory(outFolder);
        var path = Path.Combine(outFolder, SaidEmbeddingsFile);
        new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, result.Dimension, result.ItemEmbeddings, fingerprint, dataset.Fingerprint).Save(path);
        writer.WriteLine($"Saved SAID item embeddings ({dataset.ItemCount} x {result.Dimension}, kind {fingerprint.Kind}) to {path}{(result.ResumedFromStep > 0 ? $" (resumed from step {result.ResumedFromStep})" : "")}: {result.TrainableParameters} trained parameters, {result.ItemsUsed} items with text, loss {result.Losses[0]:F4} -> {result.Losses[^1]:F4}.");
        return 0;
    }

    /// <summary>Prints a SAID progress line at most every ten seconds, plus the last step and every checkpoint.</summary>
    private sealed class ThrottledSaidProgress(TextWriter writer) : IProgress<SaidTrainingProgress>
    {
        private readonly StepThrottle _throttle = new();

        public void Report(SaidTrainingProgress p)
        {
            if (_throttle.ShouldPrint(p.Step == p.TotalSteps || p.CheckpointPath is not null))
            {
                writer.WriteLine($"step {p.Step}/{p.TotalSteps}  epoch {p.Epoch}  loss {p.Loss:F4}  {p.ItemsPerSecond:F1} items/s  ETA {p.Remaining:hh\\:mm\\:ss}{(p.CheckpointPath is null ? "" : $"  checkpoint {p.CheckpointPath}")}");
            }
        }
    }

    /// <summary>Whether a progress line is due: always for a forced one, else at most every ten seconds.</summary>
    private sealed class StepThrottle
    {
        private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private TimeSpan _last = TimeSpan.MinValue;

        public bool ShouldPrint(bool force)
        {
            if (!force && _last != TimeSpan.MinValue && _clock.Elapsed - _last < Interval)
            {
                return false;
            }
            _last = _clock.Elapsed;
            return true;
        }
    }

    /// <summary>Prints a progress line at most every ten seconds, plus the last step and every checkpoint.</summary>
    private sealed class ThrottledProgress(TextWriter writer) : IProgress<ContrastiveTrainingProgress>
    {
        private readonly StepThrottle _throttle = new();

        public void Report(ContrastiveTrainingProgress p)
        {
            if (!_throttle.ShouldPrint(p.Step == p.TotalSteps || p.CheckpointPath is not null))
            {
                return;
            }
            writer.WriteLine($"step {p.Step}/{p.TotalSteps}  epoch {p.Epoch}  loss {p.Loss:F4}  temperature {p.Temperature:F4}  {p.ItemsPerSecond:F1} items/s  ETA {p.Remaining:hh\\:mm\\:ss}{(p.CheckpointPath is null ? "" : $"  checkpoint {p.CheckpointPath}")}");
        }
    }
}
