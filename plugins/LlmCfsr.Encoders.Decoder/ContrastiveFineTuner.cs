using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.Data;
using LlmCfsr.Prompts;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Contrastive fine-tuning (CFT) of the LoRA weights of any <see cref="ITrainableTextEncoder"/> (BERT, LLaMA-2,
/// Qwen2.5) on item texts. Each epoch shuffles the items, renders K views per item by random attribute drop (and
/// shuffle, for LLMEmb), and packs items into micro-batches of at most <see cref="ContrastiveFineTuningOptions.BatchSize"/>
/// items and <see cref="ContrastiveFineTuningOptions.TokenBudget"/> padded tokens; all views of a micro-batch are
/// embedded in one pass and the loss (LLM-CFSR's by default) is minimised by AdamW with gradient accumulation and a
/// learnable temperature in its own parameter group. Checkpoints hold the adapter, the optimizer state and the
/// temperature; since item order, views and dropout are functions of the seed and the position, resuming from one
/// continues exactly as if training had not stopped.
/// </summary>
public static class ContrastiveFineTuner
{
    private const double MaxLogitScale = 100.0; // CLIP's clamp on 1/τ.
    private const string StateFile = "trainer_state.json";
    private const string OptimizerFile = "optimizer.bin";

    /// <summary>Trains the LoRA weights of <paramref name="encoder"/> in place; add LoRA first so only adapters train.</summary>
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
        int totalSteps = plan.TotalSteps;
        using var logScale = new Parameter(torch.tensor(Math.Log(1.0 / options.InitialTemperature), dtype: ScalarType.Float32, device: encoder.Device));
        using var optimizer = torch.optim.AdamW(new[]
        {
            new AdamW.ParamGroup(trainable, new AdamW.Options { LearningRate = options.LearningRate, weight_decay = options.WeightDecay }),
            // The temperature has its own learning rate and is never decayed (CLIP excludes it from weight decay).
            new AdamW.ParamGroup(new[] { logScale }, new AdamW.Options { LearningRate = options.EffectiveTemperatureLearningRate, weight_decay = 0 }),
        }, lr: options.LearningRate);

        var losses = new List<double>(totalSteps);
        int resumedFrom = options.Resume && options.CheckpointFolder is not null
            ? TryResume(options.CheckpointFolder, Fingerprint(encoder, plan, views, options), encoder, optimizer, logScale, losses)
            : 0;
        var clock = Stopwatch.StartNew();
        int itemsThisRun = 0;
        int step = resumedFrom;
        encoder.SetTraining(true);
        try
        {
            while (step < totalSteps)
            {
                optimizer.zero_grad();
                var microBatches = plan.MicroBatchesOfStep(step);
                double stepLoss = 0;
                foreach (var micro in microBatches)
                {
                    if (cancellationToken.IsCancellationRequested)
                    {
                        // Weights and optimizer are still at the end of the last finished step: save exactly that.
                        if (options.CheckpointFolder is not null && step > resumedFrom)
                        {
                            WriteCheckpoint(options.CheckpointFolder, step, encoder, plan, views, options, optimizer, logScale, losses);
                        }
                        cancellationToken.ThrowIfCancellationRequested();
                    }
                    using var scope = torch.NewDisposeScope();
                    // LoRA and base dropout draw from a seed fixed by the micro-batch, so a resumed run repeats them.
                    torch.manual_seed(options.Seed * 1_000_003L + micro);
                    var tokens = plan.Tokens(micro);
                    var embeddings = encoder.Embed(tokens.SelectMany(v => v).ToList());
                    if (options.Similarity == ContrastiveSimilarity.Cosine || encoder.NormalizesEmbeddings)
                    {
                        embeddings = nn.functional.normalize(embeddings, p: 2, dim: -1);
                    }
                    var perView = embeddings.split(tokens[0].Count, dim: 0);
                    using var maxScale = MaxLogitScale.ToScalar();
                    using var shareOfStep = (1.0 / microBatches.Count).ToScalar();
                    var scale = logScale.exp().clamp_max(maxScale);
                    var loss = options.Objective switch
                    {
                        ContrastiveObjective.CfsrPaper => ContrastiveLoss.CfsrPaper(perView, scale),
                        ContrastiveObjective.InfoNce => ContrastiveLoss.InfoNce(perView, scale),
                        _ => ContrastiveLoss.SupervisedContrastive(perView, scale),
                    };
                    loss.mul(shareOfStep).backward();
                    stepLoss += loss.item<float>() / microBatches.Count;
                    itemsThisRun += tokens[0].Count;
                }
                optimizer.step();
                step++;
                losses.Add(stepLoss);
                string? checkpoint = null;
                if (options.CheckpointFolder is not null && (step == totalSteps || (options.CheckpointEvery > 0 && step % options.CheckpointEvery == 0)))
                {
                    checkpoint = WriteCheckpoint(options.CheckpointFolder, step, encoder, plan, views, options, optimizer, logScale, losses);
                }
                double seconds = Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                double stepsPerSecond = (step - resumedFrom) / seconds;
                progress?.Report(new ContrastiveTrainingProgress(step, totalSteps, plan.EpochOfStep(step - 1) + 1, stepLoss, Temperature(logScale),
                    itemsThisRun / seconds, TimeSpan.FromSeconds((totalSteps - step) / stepsPerSecond), checkpoint));
            }
        }
        finally
        {
            encoder.SetTraining(false);
        }
        long count = trainable.Sum(p => p.numel()) + 1;
        return new ContrastiveFineTuningResult(losses, Temperature(logScale), count, eligible.Length, resumedFrom);
    }

    /// <summary>
    /// Saves the encoder's PEFT adapter into <paramref name="folder"/> without tearing: the files are written and
    /// flushed in a staging folder, renamed into place one by one, and a checksummed manifest is renamed in last.
    /// Other content of the folder (e.g. a <c>checkpoints</c> folder) is kept.
    /// </summary>
    public static void SaveAdapter(ITrainableTextEncoder encoder, string folder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        AtomicFolder.WriteFiles(folder, encoder.SaveLoraAdapter);
    }

    /// <summary>The newest complete checkpoint folder under <paramref name="folder"/>, or null.</summary>
    public static string? LatestCheckpoint(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return null;
        }
        return Directory.GetDirectories(folder, "checkpoint-*")
            .Select(d => (Path: d, Step: int.TryParse(Path.GetFileName(d)["checkpoint-".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : -1))
            .Where(c => c.Step > 0 && AtomicFolder.IsComplete(c.Path))
            .OrderByDescending(c => c.Step)
            .Select(c => c.Path)
            .FirstOrDefault();
    }

    private static string WriteCheckpoint(string root, int step, ITrainableTextEncoder encoder, MicroBatchPlan plan, AttributeViewOptions views,
        ContrastiveFineTuningOptions options, AdamW optimizer, Parameter logScale, IReadOnlyList<double> losses)
    {
        var folder = Path.Combine(root, $"checkpoint-{step}");
        AtomicFolder.Write(folder, temporary =>
        {
            encoder.SaveLoraAdapter(temporary);
            using (var stream = File.Create(Path.Combine(temporary, OptimizerFile)))
            using (var writer = new BinaryWriter(stream))
            {
                optimizer.save_state_dict(writer);
            }
            var state = new JsonObject
            {
                ["step"] = step,
                ["log_logit_scale"] = logScale.item<float>(),
                ["losses"] = new JsonArray(losses.Select(l => (JsonNode)JsonValue.Create(l)!).ToArray()),
                ["fingerprint"] = Fingerprint(encoder, plan, views, options),
            };
            File.WriteAllText(Path.Combine(temporary, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
        return folder;
    }

    private static int TryResume(string root, string fingerprint, ITrainableTextEncoder encoder, AdamW optimizer, Parameter logScale, List<double> losses)
    {
        var latest = LatestCheckpoint(root);
        if (latest is null)
        {
            return 0;
        }
        var statePath = Path.Combine(latest, StateFile);
        var state = JsonNode.Parse(File.ReadAllText(statePath)) as JsonObject ?? throw new InvalidDataException($"{statePath}: expected a JSON object.");
        var saved = state["fingerprint"]?.GetValue<string>();
        if (saved != fingerprint)
        {
            throw new InvalidOperationException(
                $"{statePath}: the checkpoint was written with other settings ({saved}) than this run ({fingerprint}); use another output folder or the same settings.");
        }
        var expected = encoder.LoraParameters().ToDictionary(p => p.Name, p => p.Parameter);
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            foreach (var (key, tensor) in TorchSharp.PyBridge.Safetensors.LoadStateDict(Path.Combine(latest, PeftAdapter.WeightsFile)))
            {
                var name = key.StartsWith(PeftAdapter.KeyPrefix, StringComparison.Ordinal) ? key[PeftAdapter.KeyPrefix.Length..] : key;
                if (!expected.TryGetValue(name, out var parameter) || !parameter.shape.SequenceEqual(tensor.shape))
                {
                    throw new InvalidDataException($"{latest}: adapter tensor '{key}' does not match the encoder's LoRA parameters.");
                }
                parameter.copy_(tensor);
            }
            logScale.copy_(torch.tensor(state["log_logit_scale"]!.GetValue<float>()));
        }
        using (var stream = File.OpenRead(Path.Combine(latest, OptimizerFile)))
        using (var reader = new BinaryReader(stream))
        {
            optimizer.load_state_dict(reader);
        }
        losses.AddRange(state["losses"]!.AsArray().Select(l => l!.GetValue<double>()));
        return state["step"]!.GetValue<int>();
    }

    private static string Fingerprint(ITrainableTextEncoder encoder, MicroBatchPlan plan, AttributeViewOptions views, ContrastiveFineTuningOptions o)
        => string.Create(CultureInfo.InvariantCulture,
            $"{encoder.Family}|{encoder.BaseModelName}|lora r={encoder.Lora?.Rank} alpha={encoder.Lora?.Alpha} dropout={encoder.Lora?.Dropout} targets={string.Join(",", encoder.Lora?.ResolvedTargetModules(encoder.LoraTargetModules) ?? [])}"
            + $"|items={plan.ItemCount}|views={views.ViewCount} drop={views.DropProbability} shuffle={views.Shuffle}|epochs={o.Epochs} max-steps={o.MaxSteps} batch={o.BatchSize} budget={o.TokenBudget} accum={o.GradientAccumulationSteps}"
            + $"|lr={o.LearningRate} temperature-lr={o.EffectiveTemperatureLearningRate} wd={o.WeightDecay} tau0={o.InitialTemperature}|{o.Objective} {o.Similarity}|max-tokens={o.MaxTokens}|seed={o.Seed}");

    private static double Temperature(Tensor logScale) => 1.0 / Math.Min(Math.Exp(logScale.item<float>()), MaxLogitScale);
}
