using System.CommandLine;
using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Encoders.Qwen25;
using LlmCfsr.Prompts;
using TorchSharp;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr finetune --encoder llama2|qwen25 --model DIR --data PREPARED_DIR --out ADAPTER_DIR</c>: contrastive
/// fine-tuning (CFT) of a LoRA adapter on the items of a prepared dataset; saves a PEFT adapter.
/// </summary>
public static class FinetuneCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var encoder = new Option<string>("--encoder") { Description = "llama2 or qwen25.", Required = true };
        encoder.AcceptOnlyFromAmong("llama2", "qwen25");
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face checkpoint folder.", Required = true };
        var data = new Option<DirectoryInfo>("--data") { Description = "Prepared-dataset folder (llmcfsr data prepare).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Adapter folder to write (adapter_model.safetensors, adapter_config.json).", Required = true };
        var rank = new Option<int>("--lora-rank") { Description = "LoRA rank r.", DefaultValueFactory = _ => 8 };
        var alpha = new Option<double>("--lora-alpha") { Description = "LoRA alpha (scale alpha / r).", DefaultValueFactory = _ => 16 };
        var dropout = new Option<double>("--lora-dropout") { Description = "Dropout on the LoRA input.", DefaultValueFactory = _ => 0.05 };
        var targets = new Option<string>("--lora-targets") { Description = "Comma-separated target projections.", DefaultValueFactory = _ => "q,k,v,o,gate,up,down" };
        var dropProbability = new Option<double>("--drop-prob") { Description = "Probability r of dropping each attribute in a view.", DefaultValueFactory = _ => 0.2 };
        var views = new Option<int>("--views") { Description = "Views K per item.", DefaultValueFactory = _ => 2 };
        var shuffle = new Option<bool>("--shuffle") { Description = "Shuffle the kept attributes of each view (LLMEmb)." };
        var objective = new Option<string>("--objective") { Description = "infonce (LLM-CFSR CFT) or supcon (LLMEmb supervised contrastive).", DefaultValueFactory = _ => "infonce" };
        objective.AcceptOnlyFromAmong("infonce", "supcon");
        var template = new Option<string?>("--template") { Description = "Prompt template: beauty, fashion, yelp or generic (default: from the dataset name)." };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 100 };
        var batchSize = new Option<int>("--batch-size") { Description = "Items per micro-batch.", DefaultValueFactory = _ => 16 };
        var accumulation = new Option<int>("--grad-accum") { Description = "Micro-batches per optimizer step.", DefaultValueFactory = _ => 1 };
        var learningRate = new Option<double>("--lr") { Description = "AdamW learning rate.", DefaultValueFactory = _ => 1e-4 };
        var temperature = new Option<double>("--temperature") { Description = "Initial (learnable) temperature.", DefaultValueFactory = _ => 0.07 };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Longest view in tokens.", DefaultValueFactory = _ => 128 };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Save the adapter to OUT/checkpoint-STEP every N steps (0 = off)." };
        var seed = new Option<int>("--seed") { Description = "Seed of LoRA initialisation, sampling and views.", DefaultValueFactory = _ => 42 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "Base weight dtype: float32, float16 or bfloat16.", DefaultValueFactory = _ => "float32" };
        var command = new Command("finetune", "Contrastive fine-tuning (CFT) of a LoRA adapter on item texts; saves a PEFT-compatible adapter.");
        foreach (var option in new Option[] { encoder, model, data, output, rank, alpha, dropout, targets, dropProbability, views, shuffle, objective, template, steps, batchSize, accumulation, learningRate, temperature, maxTokens, checkpointEvery, seed, device, dtype })
        {
            command.Options.Add(option);
        }
        command.SetAction(parseResult => DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var folder = parseResult.GetValue(model)!.FullName;
            var outFolder = parseResult.GetValue(output)!.FullName;
            var dataset = PreparedDatasetStore.Load(parseResult.GetValue(data)!.FullName);
            var prompt = parseResult.GetValue(template) is { } name ? ItemPromptTemplates.ByName(name) : ItemPromptTemplates.ForDataset(dataset.Name);
            var config = DecoderConfig.Load(Path.Combine(folder, "config.json"));
            using IDecoderTokenizer tokenizer = parseResult.GetValue(encoder) == "llama2"
                ? SentencePieceDecoderTokenizer.Load(Path.Combine(folder, "tokenizer.model"))
                : ByteLevelBpeDecoderTokenizer.Load(Path.Combine(folder, "tokenizer.json"), config.EosTokenId);
            using var lm = DecoderLanguageModel.FromPretrained(folder, DecoderRuntime.ParseDType(parseResult.GetValue(dtype)!), new torch.Device(parseResult.GetValue(device)!));
            torch.manual_seed(parseResult.GetValue(seed));
            lm.AddLora(new LoraSettings
            {
                Rank = parseResult.GetValue(rank),
                Alpha = parseResult.GetValue(alpha),
                Dropout = parseResult.GetValue(dropout),
                TargetModules = parseResult.GetValue(targets)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            });
            var options = new ContrastiveFineTuningOptions
            {
                Steps = parseResult.GetValue(steps),
                BatchSize = parseResult.GetValue(batchSize),
                GradientAccumulationSteps = parseResult.GetValue(accumulation),
                LearningRate = parseResult.GetValue(learningRate),
                InitialTemperature = parseResult.GetValue(temperature),
                MaxTokens = parseResult.GetValue(maxTokens),
                Objective = parseResult.GetValue(objective) == "supcon" ? ContrastiveObjective.SupervisedContrastive : ContrastiveObjective.InfoNce,
                Seed = parseResult.GetValue(seed),
                CheckpointEvery = parseResult.GetValue(checkpointEvery),
                CheckpointFolder = outFolder,
                BaseModelName = folder,
            };
            var viewOptions = new AttributeViewOptions { DropProbability = parseResult.GetValue(dropProbability), ViewCount = parseResult.GetValue(views), Shuffle = parseResult.GetValue(shuffle) };
            writer.WriteLine($"CFT of {Path.GetFileName(folder)} on '{dataset.Name}' ({dataset.ItemCount} items, template {prompt.Name}): {options.Objective}, {viewOptions.ViewCount} views, drop {viewOptions.DropProbability}, LoRA r={lm.Lora!.Rank}, {options.Steps} steps x {options.BatchSize} items x {options.GradientAccumulationSteps}");
            var clock = Stopwatch.StartNew();
            int every = Math.Max(1, options.Steps / 20);
            var progress = new SynchronousProgress(p =>
            {
                if (p.Step % every == 0 || p.Step == p.TotalSteps || p.CheckpointPath is not null)
                {
                    writer.WriteLine($"step {p.Step}/{p.TotalSteps}  loss {p.Loss:F4}  temperature {p.Temperature:F4}  {clock.Elapsed.TotalSeconds:F1} s{(p.CheckpointPath is null ? "" : $"  checkpoint {p.CheckpointPath}")}");
                }
            });
            var result = ContrastiveFineTuner.Train(lm, tokenizer, dataset.ItemAttributes, prompt, viewOptions, options, progress);
            lm.SaveLoraAdapter(outFolder, folder);
            writer.WriteLine($"Saved adapter to {outFolder}: {result.TrainableParameters} trained parameters, {result.ItemsUsed} items with attributes, loss {result.Losses[0]:F4} -> {result.Losses[^1]:F4}, temperature {result.Temperature:F4}.");
            return 0;
        }));
        return command;
    }

    private sealed class SynchronousProgress(Action<ContrastiveTrainingProgress> report) : IProgress<ContrastiveTrainingProgress>
    {
        public void Report(ContrastiveTrainingProgress value) => report(value);
    }
}
