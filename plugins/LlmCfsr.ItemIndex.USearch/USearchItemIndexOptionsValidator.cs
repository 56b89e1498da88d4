using Microsoft.Extensions.Options;

namespace LlmCfsr.ItemIndex.USearch;

/// <summary>Checks <see cref="USearchItemIndexOptions"/>, naming the configuration key of each bad value.</summary>
internal sealed class USearchItemIndexOptionsValidator : IValidateOptions<USearchItemIndexOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, USearchItemIndexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Connectivity < 2)
        {
            failures.Add($"{USearchItemIndexOptions.Section}:Connectivity must be at least 2; got {options.Connectivity}.");
        }
        if (options.ExpansionAdd < 1)
        {
            failures.Add($"{USearchItemIndexOptions.Section}:ExpansionAdd must be positive; got {options.ExpansionAdd}.");
        }
        if (options.ExpansionSearch < 1)
        {
            failures.Add($"{USearchItemIndexOptions.Section}:ExpansionSearch must be positive; got {options.ExpansionSearch}.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
