using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Validates <see cref="LlmCfsrOptions"/>: the thread count and the new-item settings.</summary>
internal sealed class LlmCfsrOptionsValidator : IValidateOptions<LlmCfsrOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmCfsrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Threads < 0)
        {
            failures.Add($"LlmCfsr:Threads must be 0 (automatic) or positive (got {options.Threads}).");
        }
        if (options.NewItems is null)
        {
            failures.Add("LlmCfsr:NewItems must be set.");
        }
        else
        {
            if (!Enum.IsDefined(options.NewItems.CollaborativeView))
            {
                failures.Add($"LlmCfsr:NewItems:CollaborativeView must be one of {string.Join(", ", Enum.GetNames<Recommendation.NewItemCollaborativeView>())} (got {options.NewItems.CollaborativeView}).");
            }
            if (options.NewItems.Neighbours < 1)
            {
                failures.Add($"LlmCfsr:NewItems:Neighbours must be at least 1 (got {options.NewItems.Neighbours}).");
            }
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
