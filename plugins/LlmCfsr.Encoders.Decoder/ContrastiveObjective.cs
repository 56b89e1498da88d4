namespace LlmCfsr.Encoders.Decoder;

/// <summary>The loss of contrastive fine-tuning.</summary>
public enum ContrastiveObjective
{
    /// <summary>
    /// LLM-CFSR's CFT loss (paper §2.3.3), the default: per direction
    /// L¹ = −1/B Σᵢ ln( exp(s(eᵢ¹, eᵢ²)/τ) / Σ_{k≠i} exp(s(eᵢ¹, eₖ²)/τ) ), where the positive is not in the
    /// denominator; L = L¹ + L² (the sum of both directions).
    /// </summary>
    CfsrPaper,

    /// <summary>
    /// Standard symmetric in-batch InfoNCE (CLIP): cross-entropy with the positive in the denominator, the mean of
    /// both directions. With <see cref="ContrastiveSimilarity.Cosine"/> this is the usual cosine InfoNCE.
    /// </summary>
    InfoNce,

    /// <summary>
    /// LLMEmb's supervised contrastive loss (SupCon): all K·B views form one set; every other view of the same item
    /// is a positive, every view of another item a negative. Use with shuffled attribute views.
    /// </summary>
    SupervisedContrastive,

    /// <summary>
    /// LLMEmb's SCFT (official code): two views per item from <c>ShuffleDropViews</c> (the item's attributes shuffled,
    /// the last ⌊0.4·K⌋ dropped; the view options' drop probability and shuffle do not apply) and the soft-target
    /// symmetric loss on raw dot products (<c>SoftTargetContrastiveLoss</c>) at the learnable temperature τ
    /// (LLMEmb starts it at 3).
    /// </summary>
    Scft,
}
