namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// The settings of the fine-tuning loop that contrastive fine-tuning (<see cref="ContrastiveFineTuningOptions"/>) and
/// SAID's stage 1 (<see cref="SaidFineTuningOptions"/>) share: passes, micro-batches and optimizer steps, AdamW, the
/// longest text, the seed and resumable checkpoints. Each objective's options set their own defaults.
/// </summary>
public abstract record FineTuningLoopOptions
{
    /// <summary>Full passes over the items (each item is in exactly one micro-batch per pass).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Stop after this many optimizer steps (0: run all <see cref="Epochs"/>).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Most items per micro-batch.</summary>
    public int BatchSize { get; init; }

    /// <summary>Most padded tokens (or positions) per micro-batch; 0: no limit. Bounds memory whatever the text lengths.</summary>
    public int TokenBudget { get; init; }

    /// <summary>Micro-batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>AdamW learning rate of the trained weights.</summary>
    public double LearningRate { get; init; }

    /// <summary>AdamW decoupled weight decay of the trained weights.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Longest text in tokens.</summary>
    public int MaxTokens { get; init; }

    /// <summary>Seed of initialisation, item order, views and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Write a resumable checkpoint every this many optimizer steps (0: only at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go (<c>checkpoint-STEP</c> folders); null: no checkpoints, no resume.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Continue from the newest complete checkpoint in <see cref="CheckpointFolder"/>, if there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>Throws a clear error for inconsistent checkpoint settings.</summary>
    protected void ValidateCheckpoints()
    {
        if (CheckpointEvery < 0 || (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointFolder)))
        {
            throw new ArgumentException("CheckpointEvery must be >= 0, and a CheckpointFolder is required when it is positive.");
        }
    }
}
