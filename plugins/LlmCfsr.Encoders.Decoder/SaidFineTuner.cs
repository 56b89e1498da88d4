using System.Globalization;
using System.Text.Json.Nodes;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Prompts;
using LlmCfsr.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// SAID's stage 1 (Hu et al., "Enhancing Sequential Recommendation via LLM-based Semantic Embedding Learning", WWW 2024
/// companion, doi 10.1145/3589335.3648307): each item's id embedding goes through a projector to k soft tokens in the
/// decoder LLM's input space, and the frozen decoder (LoRA optional: add it to the encoder first) is trained to generate
/// the item's rendered text after them, by teacher-forced next-token loss on the text tokens only
/// (<see cref="SaidObjective"/>). What stage 2 reads is the learned id table, as the SAID baseline of LLMEmb's public
/// code (liuqidong07/LLMEmb) exports it. It runs on the shared fine-tuning loop (micro-batches, accumulation, checkpoints
/// with exact resume, cancellation, progress) that contrastive fine-tuning uses; LLaMA-2 and Qwen2.5 take the same path.
/// </summary>
public static class SaidFineTuner
{
    /// <summary>The file of a checkpoint that holds the id table and the projector.</summary>
    internal const string ProjectorFile = "said_projector.safetensors";

    /// <summary>
    /// Trains item embeddings for <paramref name="items"/> (item id i at index i - 1) with the decoder <paramref name="encoder"/>;
    /// torch's default generator, which it seeds, is left as it was.
    /// </summary>
    /// <exception cref="ArgumentException">The encoder is no decoder LLM, fewer than one item has text, or the options are inconsistent.</exception>
    /// <exception cref="OperationCanceledException">On cancellation, after writing a checkpoint of the last finished step (when checkpoints are on).</exception>
    public static SaidFineTuningResult Train(
        ITrainableTextEncoder encoder,
        IReadOnlyList<ItemAttributes> items,
        ItemPromptTemplate template,
        SaidFineTuningOptions options,
        IProgress<SaidTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var decoder = Decoder(encoder);
        // Seeding must not change the caller's draws: the generator is handed back as it was.
        using var generator = DefaultGeneratorState.Save();
        torch.manual_seed(options.Seed);
        using var projector = new SaidItemProjector(items.Count, ItemDimension(decoder, options), decoder.Dimension, options.SoftTokens);
        projector.to(decoder.Device);
        return TrainObjective(new SaidObjective(decoder, projector), decoder, items, template, options, progress, cancellationToken);
    }

    /// <summary>
    /// The provenance of the embeddings <see cref="Train"/> makes with these settings: kind "said-stage1", the decoder,
    /// the template and the stage-1 settings that shape them, so the <c>said</c> model accepts them and nothing else.
    /// </summary>
    public static ItemEmbeddingFingerprint CacheFingerprint(ITrainableTextEncoder encoder, ItemPromptTemplate template, SaidFineTuningOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(options);
        var decoder = Decoder(encoder);
        var lora = encoder.Lora is { } l ? $"lora r={l.Rank} alpha={l.Alpha}" : "none";
        return new ItemEmbeddingFingerprint(
            string.Create(CultureInfo.InvariantCulture, $"said-stage1|{encoder.Family}|{encoder.BaseModelName}|soft-tokens={options.SoftTokens}|item-dimension={ItemDimension(decoder, options)}|epochs={options.Epochs} max-steps={options.MaxSteps} lr={options.LearningRate}|seed={options.Seed}"),
            encoder.BaseModelName, EmbeddingPooling.Mean, template.Fingerprint, Normalized: false)
        {
            Adapter = lora,
            FineTuned = true,
            SaidStage1 = true,
        };
    }

    /// <summary>Trains <paramref name="objective"/>'s id table and projector (and any LoRA weights); the tests reach the trained projector through it.</summary>
    internal static SaidFineTuningResult TrainObjective(SaidObjective objective, DecoderTrainableEncoder decoder, IReadOnlyList<ItemAttributes> items, ItemPromptTemplate template,
        SaidFineTuningOptions options, IProgress<SaidTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(template);
        options.Validate();
        var texts = items.Select(item => objective.TextTokens(template.Render(item), options.MaxTokens)).ToArray();
        int[] eligible = Enumerable.Range(1, items.Count).Where(id => items[id - 1].Pairs.Any(p => !string.IsNullOrWhiteSpace(p.Value))).ToArray();
        if (eligible.Length == 0)
        {
            throw new ArgumentException($"SAID needs at least one item with a non-empty attribute (found none of {items.Count}).", nameof(items));
        }
        // The decoder is frozen: only the id table, the projector and LoRA weights (when added) train.
        var lora = decoder.LoraParameters().Select(p => p.Parameter).ToList();
        var loraSet = lora.ToHashSet();
        foreach (var (_, parameter) in decoder.Model.named_parameters())
        {
            parameter.requires_grad = loraSet.Contains(parameter);
        }
        var trainable = objective.Projector.parameters().Concat(lora).ToList();
        var plan = new SaidBatchPlan(texts, eligible, objective.ContextLength(options.SoftTokens), options);
        using var optimizer = new Training.Optimizers.AdamW(trainable, lr: options.LearningRate, weight_decay: options.WeightDecay);
        var losses = new List<double>(plan.TotalSteps);
        var task = new Task(objective, decoder, plan, texts, Fingerprint(decoder, items.Count, eligible.Length, template, options));
        int resumedFrom = FineTuningLoop.Run(task, optimizer, options, losses,
            step => progress?.Report(new SaidTrainingProgress(step.Step, step.TotalSteps, step.Epoch, step.Loss, step.ItemsPerSecond, step.Remaining, step.CheckpointPath)),
            cancellationToken);
        var table = objective.Projector.ItemTable;
        float[] embeddings;
        using (torch.no_grad())
        {
            embeddings = table.narrow(0, 1, items.Count).to(ScalarType.Float32, CPU).data<float>().ToArray();
        }
        return new SaidFineTuningResult(losses, embeddings, (int)table.shape[1], trainable.Sum(p => p.numel()), eligible.Length, resumedFrom);
    }

    private static DecoderTrainableEncoder Decoder(ITrainableTextEncoder encoder) => encoder as DecoderTrainableEncoder
        ?? throw new ArgumentException($"SAID's stage 1 needs a decoder LLM (llama2 or qwen25) to generate item texts; '{encoder.BaseModelName}' is a {encoder.Family} model.", nameof(encoder));

    private static int ItemDimension(DecoderTrainableEncoder decoder, SaidFineTuningOptions options) => options.ItemDimension > 0 ? options.ItemDimension : decoder.Dimension;

    private static string Fingerprint(DecoderTrainableEncoder decoder, int itemCount, int eligible, ItemPromptTemplate template, SaidFineTuningOptions o)
        => string.Create(CultureInfo.InvariantCulture,
            $"said|{decoder.Family}|{decoder.BaseModelName}|lora r={decoder.Lora?.Rank} alpha={decoder.Lora?.Alpha} dropout={decoder.Lora?.Dropout} targets={string.Join(",", decoder.Lora?.ResolvedTargetModules(decoder.LoraTargetModules) ?? [])}"
            + $"|items={itemCount} with-text={eligible}|{template.Fingerprint}|soft-tokens={o.SoftTokens} item-dimension={ItemDimension(decoder, o)}|epochs={o.Epochs} max-steps={o.MaxSteps} batch={o.BatchSize} budget={o.TokenBudget} accum={o.GradientAccumulationSteps}"
            + $"|lr={o.LearningRate} wd={o.WeightDecay}|max-tokens={o.MaxTokens}|seed={o.Seed}");

    /// <summary>SAID as the shared loop runs it: micro-batches of item ids, the projector file and any LoRA adapter.</summary>
    private sealed class Task(SaidObjective objective, DecoderTrainableEncoder decoder, SaidBatchPlan plan, int[][] texts, string fingerprint) : FineTuningLoop.ITask
    {
        public int TotalSteps => plan.TotalSteps;

        public string Fingerprint => fingerprint;

        public IReadOnlyList<string> WeightFiles => decoder.Lora is null ? [ProjectorFile] : [ProjectorFile, .. PeftAdapter.Files];

        public IReadOnlyList<int> MicroBatchesOfStep(int step) => plan.MicroBatchesOfStep(step);

        public int EpochOfStep(int step) => plan.EpochOfStep(step);

        public (Tensor Loss, int Items) MicroBatchLoss(int micro)
        {
            var items = plan.Items(micro);
            var ids = torch.tensor(items.Select(i => (long)i).ToArray());
            return (objective.Loss(ids, items.Select(i => texts[i - 1]).ToArray()), items.Length);
        }

        public void SetTraining(bool training)
        {
            decoder.SetTraining(training);
            objective.Projector.train(training);
        }

        public void SaveWeights(string folder)
        {
            SafetensorsWriter.Write(Path.Combine(folder, ProjectorFile), objective.Projector.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
            if (decoder.Lora is not null)
            {
                decoder.SaveLoraAdapter(folder);
            }
        }

        public void LoadWeights(string folder)
        {
            var path = Path.Combine(folder, ProjectorFile);
            var expected = objective.Projector.named_parameters().ToDictionary(p => p.name, p => p.parameter);
            using (torch.no_grad())
            using (var scope = torch.NewDisposeScope())
            {
                foreach (var (key, tensor) in TorchSharp.PyBridge.Safetensors.LoadStateDict(path))
                {
                    if (!expected.TryGetValue(key, out var parameter) || !parameter.shape.SequenceEqual(tensor.shape))
                    {
                        throw new InvalidDataException($"{path}: tensor '{key}' does not match the SAID id table and projector.");
                    }
                    parameter.copy_(tensor);
                }
            }
            if (decoder.Lora is not null)
            {
                PeftAdapter.LoadWeightsInto(decoder, folder);
            }
        }

        public void WriteState(JsonObject state)
        {
        }

        public void ReadState(JsonObject state)
        {
        }
    }
}
