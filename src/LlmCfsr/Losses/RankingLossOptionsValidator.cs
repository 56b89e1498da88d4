using Microsoft.Extensions.Options;

namespace LlmCfsr.Losses;

/// <summary>Validates <see cref="RankingLossOptions"/>: every negative count is positive.</summary>
internal sealed class RankingLossOptionsValidator : IValidateOptions<RankingLossOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, RankingLossOptions options)
    {
        var failures = new List<string>();
        void Check(string field, int value)
        {
            if (value <= 0)
            {
                failures.Add($"{RankingLossOptions.Section}:{field} must be positive (got {value}).");
            }
        }
        Check(nameof(options.BceNegatives), options.BceNegatives);
        Check(nameof(options.BprNegatives), options.BprNegatives);
        Check(nameof(options.SampledSoftmaxNegatives), options.SampledSoftmaxNegatives);
        if (!Enum.IsDefined(options.NegativeDistribution))
        {
            failures.Add($"{RankingLossOptions.Section}:{nameof(options.NegativeDistribution)} must be one of {string.Join(", ", Enum.GetNames<NegativeDistribution>())} (got {(int)options.NegativeDistribution}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
