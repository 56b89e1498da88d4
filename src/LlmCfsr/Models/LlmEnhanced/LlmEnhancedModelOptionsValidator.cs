using Microsoft.Extensions.Options;

namespace LlmCfsr.Models;

/// <summary>Validates <see cref="LlmEnhancedModelOptions"/>, <see cref="LlmEsrOptions"/> and <see cref="LlmEmbOptions"/> with messages naming the configuration key.</summary>
public sealed class LlmEnhancedModelOptionsValidator : IValidateOptions<LlmEnhancedModelOptions>, IValidateOptions<LlmEsrOptions>, IValidateOptions<LlmEmbOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmEnhancedModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Backbone))
        {
            failures.Add($"{LlmEnhancedModelOptions.Section}:Backbone must name a registered backbone (e.g. 'sasrec').");
        }
        if (string.IsNullOrWhiteSpace(options.Fusion))
        {
            failures.Add($"{LlmEnhancedModelOptions.Section}:Fusion must name a registered fusion (e.g. 'cross-attention').");
        }
        if (!(options.AdapterDropout >= 0 && options.AdapterDropout < 1))
        {
            failures.Add($"{LlmEnhancedModelOptions.Section}:AdapterDropout must be in [0, 1) (got {options.AdapterDropout}).");
        }
        if (options.CrossAttentionHeads <= 0)
        {
            failures.Add($"{LlmEnhancedModelOptions.Section}:CrossAttentionHeads must be positive (got {options.CrossAttentionHeads}).");
        }
        if (!Enum.IsDefined(options.PcaScaling))
        {
            failures.Add($"{LlmEnhancedModelOptions.Section}:PcaScaling must be one of {string.Join(", ", Enum.GetNames<PcaScaling>())} (got {options.PcaScaling}).");
        }
        return Result(failures);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmEsrOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Neighbours <= 0)
        {
            failures.Add($"{LlmEsrOptions.Section}:Neighbours must be positive (got {options.Neighbours}).");
        }
        if (!(options.DistillationWeight >= 0) || double.IsInfinity(options.DistillationWeight))
        {
            failures.Add($"{LlmEsrOptions.Section}:DistillationWeight must be a finite number >= 0 (got {options.DistillationWeight}).");
        }
        if (options.CrossAttentionHeads <= 0)
        {
            failures.Add($"{LlmEsrOptions.Section}:CrossAttentionHeads must be positive (got {options.CrossAttentionHeads}).");
        }
        return Result(failures);
    }

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, LlmEmbOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!(options.AlignmentWeight >= 0) || double.IsInfinity(options.AlignmentWeight))
        {
            failures.Add($"{LlmEmbOptions.Section}:AlignmentWeight must be a finite number >= 0 (got {options.AlignmentWeight}).");
        }
        if (!(options.Temperature > 0) || double.IsInfinity(options.Temperature))
        {
            failures.Add($"{LlmEmbOptions.Section}:Temperature must be positive (got {options.Temperature}).");
        }
        if (options.MaxAlignmentItems < 2)
        {
            failures.Add($"{LlmEmbOptions.Section}:MaxAlignmentItems must be at least 2 (got {options.MaxAlignmentItems}).");
        }
        return Result(failures);
    }

    private static ValidateOptionsResult Result(List<string> failures)
        => failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
}
