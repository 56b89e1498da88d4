namespace LlmCfsr.Encoders.Decoder;

/// <summary>Settings of contrastive fine-tuning (CFT) of a LoRA-adapted text encoder.</summary>
public sealed class ContrastiveFineTuningOptions
{
    /// <summary>Full passes over the items (each item is in exactly one micro-batch per pass).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Stop after this many optimizer steps (0: run all <see cref="Epochs"/>).</summary>
    public int MaxSteps { get; init; }

    /// <summary>Most items per micro-batch (each contributes K views; the other items are its negatives).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Most padded tokens per micro-batch, over all its views (items × K × longest view); 0: no limit. Bounds memory
    /// whatever the text lengths: a micro-batch closes before it would exceed the budget.
    /// </summary>
    public int TokenBudget { get; init; }

    /// <summary>Micro-batches whose gradients are summed before each optimizer step.</summary>
    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>AdamW learning rate of the LoRA weights.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>AdamW learning rate of the temperature (its own parameter group); null: <see cref="LearningRate"/>.</summary>
    public double? TemperatureLearningRate { get; init; }

    /// <summary>AdamW decoupled weight decay of the LoRA weights (never of the temperature).</summary>
    public double WeightDecay { get; init; } = 0.01;

    /// <summary>Starting value of the learnable temperature τ.</summary>
    public double InitialTemperature { get; init; } = 0.07;

    /// <summary>Which contrastive loss (the paper's by default).</summary>
    public ContrastiveObjective Objective { get; init; } = ContrastiveObjective.CfsrPaper;

    /// <summary>Similarity inside the loss (the paper's inner product by default).</summary>
    public ContrastiveSimilarity Similarity { get; init; } = ContrastiveSimilarity.InnerProduct;

    /// <summary>Longest view in tokens (special tokens included).</summary>
    public int MaxTokens { get; init; } = 128;

    /// <summary>Seed of item order, view drawing and LoRA dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Write a resumable checkpoint every this many optimizer steps (0: only at the end and on cancellation).</summary>
    public int CheckpointEvery { get; init; }

    /// <summary>Where checkpoints go (<c>checkpoint-STEP</c> folders); null: no checkpoints, no resume.</summary>
    public string? CheckpointFolder { get; init; }

    /// <summary>Continue from the newest complete checkpoint in <see cref="CheckpointFolder"/>, if there is one.</summary>
    public bool Resume { get; init; } = true;

    /// <summary>The temperature's learning rate after applying the default.</summary>
    public double EffectiveTemperatureLearningRate => TemperatureLearningRate ?? LearningRate;

    /// <summary>Throws a clear error for inconsistent settings.</summary>
    public void Validate()
    {
        if (Epochs <= 0 || MaxSteps < 0 || BatchSize < 2 || GradientAccumulationSteps <= 0 || MaxTokens <= 0 || TokenBudget < 0)
        {
            throw new ArgumentException($"CFT needs Epochs > 0 (got {Epochs}), MaxSteps >= 0 (got {MaxSteps}), BatchSize >= 2 for in-batch negatives (got {BatchSize}), GradientAccumulationSteps > 0 (got {GradientAccumulationSteps}), MaxTokens > 0 (got {MaxTokens}) and TokenBudget >= 0 (got {TokenBudget}).");
        }
        if (LearningRate <= 0 || EffectiveTemperatureLearningRate < 0 || WeightDecay < 0 || InitialTemperature <= 0)
        {
            throw new ArgumentException($"CFT needs LearningRate > 0 (got {LearningRate}), TemperatureLearningRate >= 0 (got {EffectiveTemperatureLearningRate}), WeightDecay >= 0 (got {WeightDecay}) and InitialTemperature > 0 (got {InitialTemperature}).");
        }
        if (CheckpointEvery < 0 || (CheckpointEvery > 0 && string.IsNullOrWhiteSpace(CheckpointFolder)))
        {
            throw new ArgumentException("CheckpointEvery must be >= 0, and a CheckpointFolder is required when it is positive.");
        }
    }
}
