namespace LlmCfsr.Models;

/// <summary>The range checks of the model options, with messages naming the configuration key.</summary>
internal static class OptionChecks
{
    public static IEnumerable<string> Probability(string key, double value)
        => value >= 0 && value < 1 ? [] : [$"{key} must be in [0, 1) (got {value})."];

    public static IEnumerable<string> Positive(string key, int value)
        => value > 0 ? [] : [$"{key} must be positive (got {value})."];

    public static IEnumerable<string> Positive(string key, double value)
        => value > 0 && !double.IsInfinity(value) ? [] : [$"{key} must be positive (got {value})."];

    public static IEnumerable<string> NonNegative(string key, double value)
        => value >= 0 && !double.IsInfinity(value) ? [] : [$"{key} must be a finite number >= 0 (got {value})."];

    public static IEnumerable<string> Named(string key, string value, string example)
        => string.IsNullOrWhiteSpace(value) ? [$"{key} must name a registered part (e.g. '{example}')."] : [];

    public static IEnumerable<string> Defined<TEnum>(string key, TEnum value) where TEnum : struct, Enum
        => Enum.IsDefined(value) ? [] : [$"{key} must be one of {string.Join(", ", Enum.GetNames<TEnum>())} (got {value})."];
}
