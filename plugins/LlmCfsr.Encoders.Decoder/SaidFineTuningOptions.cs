namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Settings of SAID's stage 1 (<see cref="SaidFineTuner"/>): the item-id table and projector, and the optimisation.
/// Defaults follow the SAID baseline of LLMEmb's public code where the paper gives no number (learning rate 2e-4,
/// 8 items per batch, texts up to 196 tokens); the paper's abstract feeds one embedding vector per item to the LLM, so
/// one soft token by default.
/// </summary>
public sealed class SaidFineTuningOptions
{
    /// <summary>Soft tokens k the projector makes per item.</summary>
    public int SoftTokens { get; init; } = 1;

    /// <summary>Size of an item-id embedding (what stage 2 reads); 0: the LLM's hidden size.</summary>
    public int ItemDimension { get; init; }

    /// <summary>Full passes over the items with text.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Stop after this many optimizer steps (0: run all <see cref="Epochs"/>).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Most items per micro-batch.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Most padded positions per micro-batch (items × (prefix + soft tokens + longest text)); 0: no limit.</summary>
    public int TokenBudget { get; init; }

    /// <summary>Micro-batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>AdamW learning rate of the id table, the projector and (when added) the LoRA weights.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Longest item text in tokens (the targets; the end-of-sequence token is added after them).</summary>
    public int MaxTokens { get; init; } = 196;

    /// <summary>Seed of the id table and projector initialisation, item order and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Write a resumable checkpoint every this many optimizer steps (0: only at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go (<c>checkpoint-STEP</c> folders); null: no checkpoints, no resume.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Continue from the newest complete checkpoint in <see cref="CheckpointFolder"/>, if there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Throws a clear error for inconsistent settings.</summary>
    public void Validate()
    {
        if (SoftTokens < 1 || ItemDimension < 0 || Epochs <= 0 || MaxSteps < 0 || BatchSize < 1 || TokenBudget < 0 || GradientAccumulationSteps <= 0 || MaxTokens <= 0)
        {
            throw new ArgumentException($"SAID needs SoftTokens >= 1 (got {SoftTokens}), ItemDimension >= 0 (got {ItemDimension}), Epochs > 0 (got {Epochs}), MaxSteps >= 0 (got {MaxSteps}), BatchSize >= 1 (got {BatchSize}), TokenBudget >= 0 (got {TokenBudget}), GradientAccumulationSteps > 0 (got {GradientAccumulationSteps}) and MaxTokens > 0 (got {MaxTokens}).");
        }
        if (LearningRate <= 0 || WeightDecay < 0)
        {
            throw new ArgumentException($"SAID needs LearningRate > 0 (got {LearningRate}) and WeightDecay >= 0 (got {WeightDecay}).");
        }
        if (CheckpointEvery < 0 || (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointFolder)))
        {
            throw new ArgumentException("CheckpointEvery must be >= 0, and a CheckpointFolder is required when it is positive.");
        }
    }
}
