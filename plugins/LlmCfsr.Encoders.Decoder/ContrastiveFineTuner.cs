using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Prompts;
using LlmCfsr.Training;
using LlmCfsr.Storage;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Contrastive fine-tuning (CFT) of the LoRA weights of any <see cref="ITrainableTextEncoder"/> (BERT, LLaMA-2,
/// Qwen2.5) on item texts. Each epoch shuffles the items, renders K views per item by random attribute drop (and
/// shuffle, for LLMEmb), and packs items into micro-batches of at most <see cref="FineTuningLoopOptions.BatchSize"/>
/// items and <see cref="FineTuningLoopOptions.TokenBudget"/> padded tokens; all views of a micro-batch are
/// embedded in one graph (in length-sorted chunks, so little is padded) and the loss (LLM-CFSR's by default) is minimised by AdamW with gradient accumulation and a
/// learnable temperature in its own parameter group. Checkpoints hold the adapter, the optimizer state and the
/// temperature; since item order, views and dropout are functions of the seed and the position, resuming from one
/// continues exactly as if training had not stopped.
/// </summary>
public static class ContrastiveFineTuner
{
    private const double MaxLogitScale = 100.0; // CLIP's clamp on 1/τ.
    private static readonly IReadOnlyList<string> CheckpointFiles = FineTuningLoop.CheckpointFiles(PeftAdapter.Files);

    /// <summary>
    /// Trains the LoRA weights of <paramref name="encoder"/> in place; add LoRA first so only adapters train. torch's default
    /// generator, which the loop seeds, is left as it was.
    /// </summary>
    /// <exception cref="OperationCanceledException">On cancellation, after writing a checkpoint of the last finished step (when checkpoints are on).</exception>
    public static ContrastiveFineTuningResult Train(
        ITrainableTextEncoder encoder,
        IReadOnlyList<ItemAttributes> items,
        ItemPromptTemplate template,
        AttributeViewOptions views,
        ContrastiveFineTuningOptions options,
        IProgress<ContrastiveTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (views.ViewCount < 2)
        {
            throw new ArgumentException($"CFT needs at least two views per item (got {views.ViewCount}).", nameof(views));
        }
        if (options.Objective == ContrastiveObjective.Scft && views.ViewCount != 2)
        {
            throw new ArgumentException($"SCFT contrasts exactly two views per item (got {views.ViewCount}).", nameof(views));
        }
        var eligible = Enumerable.Range(0, items.Count).Where(i => items[i].Pairs.Any(p => !string.IsNullOrWhiteSpace(p.Value))).ToArray();
        if (eligible.Length < 2)
        {
            throw new ArgumentException($"CFT needs at least two items with a non-empty attribute (found {eligible.Length} of {items.Count}).", nameof(items));
        }
        var trainable = encoder.LoraParameters().Select(p => p.Parameter).Where(p => p.requires_grad).ToList();
        if (trainable.Count == 0)
        {
            throw new InvalidOperationException("The encoder has no trainable LoRA parameters; add a LoRA adapter first.");
        }

        var plan = new MicroBatchPlan(encoder, items, eligible, template, views, options);
        using var logScale = new Parameter(torch.tensor(Math.Log(1.0 / options.InitialTemperature), dtype: ScalarType.Float32, device: encoder.Device));
        using var optimizer = new Training.Optimizers.AdamW(new[]
        {
            new AdamW.ParamGroup(trainable, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = options.WeightDecay }),
            // The temperature has its own learning rate and is never decayed (CLIP excludes it from weight decay).
            new AdamW.ParamGroup(new[] { logScale }, new AdamW.Options { LearningRate = options.EffectiveTemperatureLearningRate, weight_decay = 0 }),
        }, lr: options.LearningRate);

        var losses = new List<double>(plan.TotalSteps);
        // The loop seeds every micro-batch's dropout; the caller's generator is handed back as it was.
        using var generator = DefaultGeneratorState.Save();
        var task = new Task(encoder, plan, options, logScale, Fingerprint(encoder, plan, views, options));
        int resumedFrom = FineTuningLoop.Run(task, optimizer, options, losses,
            step => progress?.Report(new ContrastiveTrainingProgress(step.Step, step.TotalSteps, step.Epoch, step.Loss, Temperature(logScale), step.ItemsPerSecond, step.Remaining, step.CheckpointPath)),
            cancellationToken);
        long count = trainable.Sum(p => p.numel()) + 1;
        return new ContrastiveFineTuningResult(losses, Temperature(logScale), count, eligible.Length, resumedFrom);
    }

    /// <summary>
    /// Saves the encoder's PEFT adapter into <paramref name="folder"/> without tearing, with the record of the
    /// <paramref name="objective"/> it was trained with (<c>llmcfsr_finetune.json</c>: "scft" for
    /// <see cref="ContrastiveObjective.Scft"/>, else "cft"), which the embeddings made with the adapter carry: its
    /// manifest is removed, each file is written atomically (temporary file, flush, rename) and the checksum manifest
    /// (<c>SHA256SUMS</c>) is written last. Other content of the folder (e.g. a <c>checkpoints</c> folder) is kept.
    /// </summary>
    public static void SaveAdapter(ITrainableTextEncoder encoder, string folder, ContrastiveObjective objective)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        FineTuningLoop.WriteCheckedFolder(folder, PeftAdapter.FilesWithObjective, target =>
        {
            encoder.SaveLoraAdapter(target);
            PeftAdapter.SaveObjective(target, ObjectiveName(objective));
        });
    }

    /// <summary>The provenance name of <paramref name="objective"/>: "scft" for LLMEmb's, "cft" for LLM-CFSR's loss and its named variants.</summary>
    internal static string ObjectiveName(ContrastiveObjective objective)
        => objective == ContrastiveObjective.Scft ? ItemEmbeddingFingerprint.ScftObjective : ItemEmbeddingFingerprint.CftObjective;

    /// <summary>The newest complete checkpoint folder under <paramref name="folder"/>, or null.</summary>
    public static string? LatestCheckpoint(string folder) => FineTuningLoop.LatestCheckpoint(folder, CheckpointFiles);

    private static string Fingerprint(ITrainableTextEncoder encoder, MicroBatchPlan plan, AttributeViewOptions views, ContrastiveFineTuningOptions o)
        => string.Create(CultureInfo.InvariantCulture,
            $"{encoder.Family}|{encoder.BaseModelName}|lora r={encoder.Lora?.Rank} alpha={encoder.Lora?.Alpha} dropout={encoder.Lora?.Dropout} targets={string.Join(",", encoder.Lora?.ResolvedTargetModules(encoder.LoraTargetModules) ?? [])}"
            + $"|items={plan.ItemCount}|views={views.ViewCount} drop={views.DropProbability} shuffle={views.Shuffle}|epochs={o.Epochs} max-steps={o.MaxSteps} batch={o.BatchSize} budget={o.TokenBudget} accum={o.GradientAccumulationSteps}"
            + $"|lr={o.LearningRate} temperature-lr={o.EffectiveTemperatureLearningRate} wd={o.WeightDecay} tau0={o.InitialTemperature}|{o.Objective} {o.Similarity}|max-tokens={o.MaxTokens}|seed={o.Seed}");

    private static double Temperature(Tensor logScale) => 1.0 / Math.Min(Math.Exp(logScale.item<float>()), MaxLogitScale);

    /// <summary>CFT as the shared loop runs it: the micro-batches of the plan, the LoRA adapter and the temperature.</summary>
    private sealed class Task(ITrainableTextEncoder encoder, MicroBatchPlan plan, ContrastiveFineTuningOptions options, Parameter logScale, string fingerprint)
        : FineTuningLoop.ITask
    {
        public int TotalSteps => plan.TotalSteps;

        public string Fingerprint => fingerprint;

        public IReadOnlyList<string> WeightFiles => PeftAdapter.Files;

        public IReadOnlyList<int> MicroBatchesOfStep(int step) => plan.MicroBatchesOfStep(step);

        public int EpochOfStep(int step) => plan.EpochOfStep(step);

        public (Tensor Loss, int Items) MicroBatchLoss(int micro)
        {
            var tokens = plan.Tokens(micro);
            var embeddings = LengthSortedEmbedding.Embed(encoder, tokens.SelectMany(v => v).ToList());
            if (options.Similarity == ContrastiveSimilarity.Cosine || encoder.NormalizesEmbeddings)
            {
                embeddings = nn.functional.normalize(embeddings, p: 2, dim: -1);
            }
            var perView = embeddings.split(tokens[0].Count, dim: 0);
            using var maxScale = MaxLogitScale.ToScalar();
            var scale = logScale.exp().clamp_max(maxScale);
            return (ContrastiveLoss.Of(options.Objective, perView, scale), tokens[0].Count);
        }

        public void SetTraining(bool training) => encoder.SetTraining(training);

        public void SaveWeights(string folder) => encoder.SaveLoraAdapter(folder);

        public void LoadWeights(string folder) => PeftAdapter.LoadWeightsInto(encoder, folder);

        public void WriteState(JsonObject state) => state["log_logit_scale"] = logScale.item<float>();

        public void ReadState(JsonObject state)
        {
            using var noGrad = torch.no_grad();
            logScale.copy_(torch.tensor(state["log_logit_scale"]!.GetValue<float>()));
        }
    }
}
