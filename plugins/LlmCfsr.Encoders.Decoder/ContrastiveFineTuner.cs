using LlmCfsr.Data;
using LlmCfsr.Prompts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Contrastive fine-tuning (CFT) of a LoRA-adapted decoder on item texts: each step samples a batch of items,
/// renders K views per item by random attribute drop (and shuffle, for LLMEmb), embeds all views in one pass
/// (pooled, L2-normalised), and minimises symmetric in-batch InfoNCE or the supervised contrastive loss with a
/// learnable temperature, by AdamW over the trainable (LoRA) weights with gradient accumulation.
/// </summary>
public static class ContrastiveFineTuner
{
    private const double MaxLogitScale = 100.0; // CLIP's clamp on 1/τ.

    /// <summary>Trains <paramref name="model"/> in place; add LoRA first (<see cref="DecoderLanguageModel.AddLora"/>) so only adapters train.</summary>
    public static ContrastiveFineTuningResult Train(
        DecoderLanguageModel model,
        IDecoderTokenizer tokenizer,
        IReadOnlyList<ItemAttributes> items,
        ItemPromptTemplate template,
        AttributeViewOptions views,
        ContrastiveFineTuningOptions options,
        IProgress<ContrastiveTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (views.ViewCount < 2)
        {
            throw new ArgumentException($"CFT needs at least two views per item (got {views.ViewCount}).", nameof(views));
        }
        var eligible = Enumerable.Range(0, items.Count).Where(i => items[i].Pairs.Any(p => !string.IsNullOrWhiteSpace(p.Value))).ToArray();
        if (eligible.Length < 2)
        {
            throw new ArgumentException($"CFT needs at least two items with a non-empty attribute (found {eligible.Length} of {items.Count}).", nameof(items));
        }
        var trainable = model.parameters().Where(p => p.requires_grad).ToList();
        if (trainable.Count == 0)
        {
            throw new InvalidOperationException("The model has no trainable parameters; add a LoRA adapter first.");
        }

        using var logScale = new Parameter(torch.tensor(Math.Log(1.0 / options.InitialTemperature), dtype: ScalarType.Float32, device: model.Device));
        using var optimizer = torch.optim.AdamW(new[]
        {
            new AdamW.ParamGroup(trainable, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = options.WeightDecay }),
            // The temperature is not decayed (CLIP excludes it from weight decay).
            new AdamW.ParamGroup(new[] { logScale }, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = 0 }),
        }, lr: options.LearningRate);
        var viewGenerator = new AttributeViewGenerator(views, options.Seed);
        var sampler = new ItemSampler(eligible, Math.Min(options.BatchSize, eligible.Length), options.Seed);
        var losses = new List<double>(options.Steps);
        model.train();
        try
        {
            for (int step = 1; step <= options.Steps; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                optimizer.zero_grad();
                double stepLoss = 0;
                for (int micro = 0; micro < options.GradientAccumulationSteps; micro++)
                {
                    using var scope = torch.NewDisposeScope();
                    var batch = sampler.Next().Select(i => items[i]).ToList();
                    var rendered = viewGenerator.RenderBatch(batch, template);
                    var embeddings = EmbedViews(model, tokenizer, rendered, options);
                    var scale = logScale.exp().clamp_max(MaxLogitScale);
                    var loss = options.Objective == ContrastiveObjective.InfoNce
                        ? ContrastiveLoss.InfoNce(embeddings, scale)
                        : ContrastiveLoss.SupervisedContrastive(embeddings, scale);
                    (loss / options.GradientAccumulationSteps).backward();
                    stepLoss += loss.item<float>() / options.GradientAccumulationSteps;
                }
                optimizer.step();
                losses.Add(stepLoss);
                string? checkpoint = null;
                if (options.CheckpointEvery > 0 && (step % options.CheckpointEvery == 0 || step == options.Steps) && model.Lora is not null)
                {
                    checkpoint = Path.Combine(options.CheckpointFolder!, $"checkpoint-{step}");
                    model.SaveLoraAdapter(checkpoint, options.BaseModelName);
                }
                progress?.Report(new ContrastiveTrainingProgress(step, options.Steps, stepLoss, Temperature(logScale), checkpoint));
            }
        }
        finally
        {
            model.eval();
        }
        long count = trainable.Sum(p => p.numel()) + 1;
        return new ContrastiveFineTuningResult(losses, Temperature(logScale), count, eligible.Length);
    }

    /// <summary>Embeds views [K][B] in one forward pass; returns K L2-normalised tensors [B, d].</summary>
    public static IReadOnlyList<Tensor> EmbedViews(DecoderLanguageModel model, IDecoderTokenizer tokenizer, IReadOnlyList<IReadOnlyList<string>> views, ContrastiveFineTuningOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(options);
        var flat = views.SelectMany(v => v).ToList();
        var (ids, mask) = DecoderBatch.Encode(tokenizer, flat, options.MaxTokens);
        var embedded = model.Embed(ids, mask, options.Pooling, normalize: true);
        return embedded.split(views[0].Count, dim: 0);
    }

    private static double Temperature(Tensor logScale) => 1.0 / Math.Min(Math.Exp(logScale.item<float>()), MaxLogitScale);

    /// <summary>Draws batches of distinct items, reshuffling after each pass over the items.</summary>
    private sealed class ItemSampler(int[] items, int batchSize, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly int[] _order = (int[])items.Clone();
        private int _position = items.Length;

        public int[] Next()
        {
            if (_position + batchSize > _order.Length)
            {
                _random.Shuffle(_order);
                _position = 0;
            }
            var batch = _order.AsSpan(_position, batchSize).ToArray();
            _position += batchSize;
            return batch;
        }
    }
}
