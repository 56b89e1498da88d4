namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Settings of contrastive fine-tuning (CFT) of a LoRA-adapted text encoder: the loss and its temperature, and the shared
/// loop settings (<see cref="FineTuningLoopOptions"/>: a micro-batch's items are each other's negatives, each with K views;
/// the token budget counts padded tokens over all views, items × K × longest view; <see cref="FineTuningLoopOptions.MaxTokens"/>
/// is the longest view, special tokens included; the learning rate and weight decay are the LoRA weights'). Defaults:
/// 32 items per micro-batch, learning rate 1e-4, weight decay 0.01, views up to 128 tokens.
/// </summary>
public sealed record ContrastiveFineTuningOptions : FineTuningLoopOptions
{
    /// <summary>CFT's defaults of the loop settings.</summary>
    public ContrastiveFineTuningOptions()
    {
        BatchSize = 32;
        LearningRate = 1e-4;
        WeightDecay = 0.01;
        MaxTokens = 128;
    }

    /// <summary>AdamW learning rate of the temperature (its own parameter group); null: the learning rate of the LoRA weights.</summary>
    public double? TemperatureLearningRate { get; init; }

    /// <summary>Starting value of the learnable temperature τ.</summary>
    public double InitialTemperature { get; init; } = 0.07;

    /// <summary>Which contrastive loss (the paper's by default).</summary>
    public ContrastiveObjective Objective { get; init; } = ContrastiveObjective.CfsrPaper;

    /// <summary>Similarity inside the loss (the paper's inner product by default).</summary>
    public ContrastiveSimilarity Similarity { get; init; } = ContrastiveSimilarity.InnerProduct;

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
        ValidateCheckpoints();
    }
}
