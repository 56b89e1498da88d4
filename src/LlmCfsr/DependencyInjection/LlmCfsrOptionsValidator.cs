using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Validates <see cref="LlmCfsrOptions"/>: the thread count.</summary>
internal sealed class LlmCfsrOptionsValidator : IValidateOptions<LlmCfsrOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmCfsrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Threads < 0
            ? ValidateOptionsResult.Fail($"LlmCfsr:Threads must be 0 (automatic) or positive (got {options.Threads}).")
            : ValidateOptionsResult.Success;
    }
}
