using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.SasRec;

/// <summary>Validates <see cref="SasRecOptions"/>.</summary>
internal sealed class SasRecOptionsValidator : IValidateOptions<SasRecOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SasRecOptions options)
    {
        var failures = new List<string>();
        if (options.FeedForwardMultiplier <= 0)
        {
            failures.Add($"{SasRecOptions.Section}:FeedForwardMultiplier must be positive (got {options.FeedForwardMultiplier}).");
        }
        if (!(options.LayerNormEpsilon > 0))
        {
            failures.Add($"{SasRecOptions.Section}:LayerNormEpsilon must be positive (got {options.LayerNormEpsilon}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
