namespace LlmCfsr.Losses;

/// <summary>The scores an <see cref="IRankingLoss"/> needs.</summary>
public enum RankingLossInput
{
    /// <summary>Scores of the positive item [n] and of sampled negatives [n, k].</summary>
    SampledNegatives,

    /// <summary>Logits over every item [n, items] with target indices [n].</summary>
    FullLogits,
}
