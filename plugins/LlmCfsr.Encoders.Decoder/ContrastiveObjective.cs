namespace LlmCfsr.Encoders.Decoder;

/// <summary>The loss of contrastive fine-tuning.</summary>
public enum ContrastiveObjective
{
    /// <summary>
    /// LLM-CFSR's CFT: symmetric in-batch InfoNCE between every pair of views of a batch; the other items of the
    /// batch are the negatives.
    /// </summary>
    InfoNce,

    /// <summary>
    /// LLMEmb's supervised contrastive loss (SupCon): all K·B views form one set; every other view of the same item
    /// is a positive, every view of another item a negative. Use with shuffled attribute views.
    /// </summary>
    SupervisedContrastive,
}
