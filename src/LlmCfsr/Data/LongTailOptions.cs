using System.Globalization;

namespace LlmCfsr.Data;

/// <summary>
/// Settings of the long-tail groups (docs/evaluation.md). Item popularity is always the number of distinct users
/// whose whole prepared sequence (training, validation and test items) contains the item; a user's length is set by
/// <see cref="UserLength"/>. Defaults: Pareto rule for items (top 20% head) and the bottom-80% rule for users over
/// whole sequences. <see cref="LlmEsr"/> gives LLM-ESR's groups. Text form (<see cref="Parse"/>,
/// <see cref="ToString"/>): "pareto", "pareto:HEAD_ITEM_SHARE,TAIL_USER_SHARE", "threshold:ITEM,USER" (whole
/// sequences) or "llm-esr:ITEM,USER".
/// </summary>
public sealed record LongTailOptions
{
    /// <summary>Rule for items; default <see cref="LongTailItemRule.Pareto"/>.</summary>
    public LongTailItemRule ItemRule { get; init; } = LongTailItemRule.Pareto;

    /// <summary>Share of items (by popularity rank) that are head under the Pareto rule; default 0.2.</summary>
    public double HeadItemShare { get; init; } = 0.2;

    /// <summary>Under <see cref="LongTailItemRule.Threshold"/>, items with fewer interacting users than this are tail; default 20.</summary>
    public int ItemPopularityThreshold { get; init; } = 20;

    /// <summary>Rule for users; default <see cref="LongTailUserRule.BottomShare"/>.</summary>
    public LongTailUserRule UserRule { get; init; } = LongTailUserRule.BottomShare;

    /// <summary>Share of users (shortest first) that are tail under the bottom-share rule; default 0.8.</summary>
    public double TailUserShare { get; init; } = 0.8;

    /// <summary>Under <see cref="LongTailUserRule.Threshold"/>, users shorter than this are tail; default 10.</summary>
    public int UserLengthThreshold { get; init; } = 10;

    /// <summary>Which interactions make a user's length; default <see cref="LongTailUserLength.Sequence"/>.</summary>
    public LongTailUserLength UserLength { get; init; } = LongTailUserLength.Sequence;

    /// <summary>
    /// LLM-ESR's groups: items with popularity (distinct users over all interactions) below
    /// <paramref name="itemThreshold"/> are tail, users whose history before the test item is shorter than
    /// <paramref name="userThreshold"/> are tail (the paper: Yelp 13/12, Beauty 4/9, Fashion 4/3).
    /// </summary>
    public static LongTailOptions LlmEsr(int itemThreshold, int userThreshold) => new()
    {
        ItemRule = LongTailItemRule.Threshold,
        ItemPopularityThreshold = itemThreshold,
        UserRule = LongTailUserRule.Threshold,
        UserLengthThreshold = userThreshold,
        UserLength = LongTailUserLength.TestHistory,
    };

    /// <summary>Parses the text form (case-insensitive): "pareto", "pareto:0.2,0.8", "threshold:20,10" or "llm-esr:13,12".</summary>
    /// <exception cref="FormatException">The text is none of these, or a value is out of range.</exception>
    public static LongTailOptions Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':');
        string kind = (colon < 0 ? trimmed : trimmed[..colon]).ToLowerInvariant();
        string[] values = colon < 0 ? [] : trimmed[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries);
        LongTailOptions? parsed = (kind, values.Length) switch
        {
            ("pareto", 0) => new LongTailOptions(),
            ("pareto", 2) when TryShare(values[0], out double head) && TryShare(values[1], out double tail) => new LongTailOptions { HeadItemShare = head, TailUserShare = tail },
            ("threshold", 2) when TryCount(values[0], out int item) && TryCount(values[1], out int user) => LlmEsr(item, user) with { UserLength = LongTailUserLength.Sequence },
            ("llm-esr", 2) when TryCount(values[0], out int item) && TryCount(values[1], out int user) => LlmEsr(item, user),
            _ => null,
        };
        return parsed ?? throw new FormatException(
            $"Unknown long-tail groups '{text}'; expected 'pareto', 'pareto:HEAD_ITEM_SHARE,TAIL_USER_SHARE' (shares in (0, 1)), 'threshold:ITEM,USER' or 'llm-esr:ITEM,USER' (thresholds >= 1).");
    }

    /// <summary>The text form when the settings have one (see <see cref="Parse"/>), else <see cref="Describe"/>.</summary>
    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        if (ItemRule == LongTailItemRule.Pareto && UserRule == LongTailUserRule.BottomShare && UserLength == LongTailUserLength.Sequence)
        {
            return this == new LongTailOptions() ? "pareto" : string.Create(c, $"pareto:{HeadItemShare},{TailUserShare}");
        }
        if (ItemRule == LongTailItemRule.Threshold && UserRule == LongTailUserRule.Threshold)
        {
            string kind = UserLength == LongTailUserLength.TestHistory ? "llm-esr" : "threshold";
            return string.Create(c, $"{kind}:{ItemPopularityThreshold},{UserLengthThreshold}");
        }
        return Describe();
    }

    /// <summary>One sentence saying which items and users are tail and what is counted, for reports and tables.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string items = ItemRule == LongTailItemRule.Pareto
            ? string.Create(c, $"tail items: all but the {HeadItemShare * 100:0.##}% most popular")
            : string.Create(c, $"tail items: popularity < {ItemPopularityThreshold}");
        string length = UserLength == LongTailUserLength.TestHistory ? "history before the test item" : "whole sequence";
        string users = UserRule == LongTailUserRule.BottomShare
            ? string.Create(c, $"tail users: the {TailUserShare * 100:0.##}% with the shortest {length}")
            : string.Create(c, $"tail users: {length} < {UserLengthThreshold}");
        return $"{items}, {users} (popularity = distinct users over all interactions)";
    }

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
        if (!Enum.IsDefined(ItemRule) || !Enum.IsDefined(UserRule) || !Enum.IsDefined(UserLength))
        {
            throw new ArgumentException($"Unknown long-tail rule ({ItemRule}, {UserRule}, {UserLength}).");
        }
    }

    private static bool TryShare(string text, out double share) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out share) && share > 0 && share < 1;

    private static bool TryCount(string text, out int count) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out count) && count >= 1;
}
