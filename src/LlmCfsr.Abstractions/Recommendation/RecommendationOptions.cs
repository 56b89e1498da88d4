namespace LlmCfsr.Recommendation;

/// <summary>Filters of one recommendation request. The defaults recommend any item the user has not seen.</summary>
public sealed record RecommendationOptions
{
    /// <summary>The defaults: exclude seen items, no allow-list, no deny-list.</summary>
    public static RecommendationOptions Default { get; } = new();

    /// <summary>Whether items of the history are excluded from the results (default true).</summary>
    public bool ExcludeSeen { get; init; } = true;

    /// <summary>When set, only these items (source ids) may be recommended; null allows every item.</summary>
    public IReadOnlyCollection<string>? AllowedItems { get; init; }

    /// <summary>Items (source ids) never recommended, e.g. out of stock; null or empty excludes none.</summary>
    public IReadOnlyCollection<string>? ExcludedItems { get; init; }
}
