using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Bert4Rec;

/// <summary>Validates <see cref="Bert4RecOptions"/>.</summary>
internal sealed class Bert4RecOptionsValidator : IValidateOptions<Bert4RecOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, Bert4RecOptions options)
    {
        var failures = new List<string>();
        if (options.FeedForwardMultiplier <= 0)
        {
            failures.Add($"{Bert4RecOptions.Section}:FeedForwardMultiplier must be positive (got {options.FeedForwardMultiplier}).");
        }
        if (!(options.LayerNormEpsilon > 0))
        {
            failures.Add($"{Bert4RecOptions.Section}:LayerNormEpsilon must be positive (got {options.LayerNormEpsilon}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
