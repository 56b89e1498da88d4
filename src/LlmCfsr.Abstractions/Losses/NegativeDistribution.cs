namespace LlmCfsr.Losses;

/// <summary>How a sampled loss's negatives are drawn from the catalogue (never one of the user's training items).</summary>
public enum NegativeDistribution
{
    /// <summary>Every item equally likely: SASRec's and BPR's usual negatives, and what the published models use.</summary>
    Uniform,

    /// <summary>
    /// Each item in proportion to its training interactions (items never trained on are not drawn): popular items, the
    /// ones full ranking has to place the target above, are the negatives most often.
    /// </summary>
    Popularity,
}
