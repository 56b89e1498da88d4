namespace LlmCfsr.Data;

/// <summary>
/// Settings of the long-tail groups (docs/evaluation.md). Defaults: Pareto rule for items (top 20% head) and the
/// bottom-80% rule for users, both computed on the full prepared sequences.
/// </summary>
public sealed class LongTailOptions
{
    /// <summary>Rule for items; default <see cref="LongTailItemRule.Pareto"/>.</summary>
    public LongTailItemRule ItemRule { get; init; } = LongTailItemRule.Pareto;

    /// <summary>Share of items (by popularity rank) that are head under the Pareto rule; default 0.2.</summary>
    public double HeadItemShare { get; init; } = 0.2;

    /// <summary>Under <see cref="LongTailItemRule.Threshold"/>, items with fewer interacting users than this are tail; default 20.</summary>
    public int ItemPopularityThreshold { get; init; } = 20;

    /// <summary>Rule for users; default <see cref="LongTailUserRule.BottomShare"/>.</summary>
    public LongTailUserRule UserRule { get; init; } = LongTailUserRule.BottomShare;

    /// <summary>Share of users (shortest sequences first) that are tail under the bottom-share rule; default 0.8.</summary>
    public double TailUserShare { get; init; } = 0.8;

    /// <summary>Under <see cref="LongTailUserRule.Threshold"/>, users with sequences shorter than this are tail; default 10.</summary>
    public int UserLengthThreshold { get; init; } = 10;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!(HeadItemShare > 0 && HeadItemShare < 1))
        {
            throw new ArgumentException($"HeadItemShare must be in (0, 1); got {HeadItemShare}.");
        }
        if (!(TailUserShare > 0 && TailUserShare < 1))
        {
            throw new ArgumentException($"TailUserShare must be in (0, 1); got {TailUserShare}.");
        }
        if (ItemPopularityThreshold < 1)
        {
            throw new ArgumentException($"ItemPopularityThreshold must be at least 1; got {ItemPopularityThreshold}.");
        }
        if (UserLengthThreshold < 1)
        {
            throw new ArgumentException($"UserLengthThreshold must be at least 1; got {UserLengthThreshold}.");
        }
    }
}
