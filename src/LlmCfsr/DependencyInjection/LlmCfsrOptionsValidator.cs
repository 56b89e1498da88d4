using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>
/// Validates <see cref="LlmCfsrOptions"/>: the device string, the thread count, and that every part name
/// refers to a registered plugin (listing the registered names when it does not).
/// </summary>
public sealed partial class LlmCfsrOptionsValidator : IValidateOptions<LlmCfsrOptions>
{
    private readonly ComponentCatalog _catalog;

    /// <summary>Creates the validator over the registered parts.</summary>
    public LlmCfsrOptionsValidator(ComponentCatalog catalog) => _catalog = catalog;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmCfsrOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Device) || !DevicePattern().IsMatch(options.Device.Trim()))
        {
            failures.Add($"LlmCfsr:Device '{options.Device}' is not a device: use 'cpu', 'cuda' or 'cuda:N'.");
        }
        if (options.Threads < 0)
        {
            failures.Add($"LlmCfsr:Threads must be 0 (automatic) or positive (got {options.Threads}).");
        }
        CheckName(failures, ComponentKind.SemanticEncoder, nameof(options.SemanticEncoder), options.SemanticEncoder);
        CheckName(failures, ComponentKind.SequenceEncoder, nameof(options.SequenceEncoder), options.SequenceEncoder);
        CheckName(failures, ComponentKind.Fusion, nameof(options.Fusion), options.Fusion);
        CheckName(failures, ComponentKind.RankingLoss, nameof(options.RankingLoss), options.RankingLoss);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CheckName(List<string> failures, ComponentKind kind, string field, string value)
    {
        var registered = _catalog.Names(kind);
        // A kind with no plugin registered is not an error: the host simply does not use that part.
        if (registered.Count == 0)
        {
            return;
        }
        if (string.IsNullOrWhiteSpace(value) || !registered.Contains(ComponentRegistration.NormalizeName(value)))
        {
            failures.Add($"LlmCfsr:{field} '{value}' is not registered; registered: {string.Join(", ", registered)}.");
        }
    }

    [GeneratedRegex(@"^(cpu|cuda(:\d+)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex DevicePattern();
}
