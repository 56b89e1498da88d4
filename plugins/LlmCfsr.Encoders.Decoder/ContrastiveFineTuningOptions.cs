using LlmCfsr.Encoders;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Settings of contrastive fine-tuning (CFT) of a LoRA-adapted decoder.</summary>
public sealed class ContrastiveFineTuningOptions
{
    /// <summary>Optimizer steps.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Items per micro-batch (each contributes K views).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Micro-batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>AdamW learning rate (LoRA weights and the temperature).</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>AdamW decoupled weight decay.</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Starting temperature τ of the learnable logit scale 1/τ (CLIP's 0.07).</summary>
    public double InitialTemperature { get; init; } = 0.07;

    /// <summary>Which contrastive loss.</summary>
    public ContrastiveObjective Objective { get; init; } = ContrastiveObjective.InfoNce;

    /// <summary>Pooling of the last layer (embeddings are L2-normalised, so similarities are cosines).</summary>
    public EmbeddingPooling Pooling { get; init; } = EmbeddingPooling.Mean;

    /// <summary>Longest view in tokens.</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Seed of item sampling and view drawing.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Save the adapter every this many steps (0: never) into <see cref="CheckpointFolder"/>/checkpoint-STEP.</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go; required when <see cref="CheckpointEvery"/> is positive.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Name recorded as base_model_name_or_path in saved adapters.</summary>
    public string BaseModelName { get; init; } = "";

    /// <summary>Throws a clear error for inconsistent settings.</summary>
    public void Validate()
    {
        if (Steps <= 0 || BatchSize < 2 || GradientAccumulationSteps <= 0 || MaxTokens <= 0)
        {
            throw new ArgumentException($"CFT needs Steps > 0 (got {Steps}), BatchSize >= 2 for in-batch negatives (got {BatchSize}), GradientAccumulationSteps > 0 (got {GradientAccumulationSteps}) and MaxTokens > 0 (got {MaxTokens}).");
        }
        if (LearningRate <= 0 || WeightDecay < 0 || InitialTemperature <= 0)
        {
            throw new ArgumentException($"CFT needs LearningRate > 0 (got {LearningRate}), WeightDecay >= 0 (got {WeightDecay}) and InitialTemperature > 0 (got {InitialTemperature}).");
        }
        if (CheckpointEvery < 0 || (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointFolder)))
        {
            throw new ArgumentException("CheckpointEvery must be >= 0, and a CheckpointFolder is required when it is positive.");
        }
    }
}
