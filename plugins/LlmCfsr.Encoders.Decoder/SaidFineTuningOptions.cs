namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Settings of SAID's stage 1 (<see cref="SaidFineTuner"/>): the item-id table and projector, and the shared loop
/// settings (<see cref="FineTuningLoopOptions"/>: here the token budget counts padded positions, items × (prefix + soft
/// tokens + longest text), and <see cref="FineTuningLoopOptions.MaxTokens"/> is the longest item text, the targets; the
/// learning rate is the id table's, the projector's and any LoRA weights'). Defaults follow the SAID baseline of
/// LLMEmb's public code where the paper gives no number (learning rate 2e-4, 8 items per batch, texts up to 196 tokens,
/// no weight decay); the paper's abstract feeds one embedding vector per item to the LLM, so one soft token by default.
/// </summary>
public sealed record SaidFineTuningOptions : FineTuningLoopOptions
{
    /// <summary>SAID's defaults of the loop settings.</summary>
    public SaidFineTuningOptions()
    {
        BatchSize = 8;
        LearningRate = 2e-4;
        MaxTokens = 196;
    }

    /// <summary>Soft tokens k the projector makes per item.</summary>
    public int SoftTokens { get; init; } = 1;

    /// <summary>Size of an item-id embedding (what stage 2 reads); 0: the LLM's hidden size.</summary>
    public int ItemDimension { get; init; }

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
        ValidateCheckpoints();
    }
}
