namespace LlmCfsr.Data;

/// <summary>How items are split into head and tail by popularity (number of distinct users who interacted with the item).</summary>
public enum LongTailItemRule
{
    /// <summary>Pareto rule: the top <see cref="LongTailOptions.HeadItemShare"/> of items by popularity are head (ties at the cut go to head).</summary>
    Pareto,

    /// <summary>Absolute threshold (LLM-ESR style): items with popularity below <see cref="LongTailOptions.ItemPopularityThreshold"/> are tail.</summary>
    Threshold,
}
