using Microsoft.Extensions.Options;

namespace LlmCfsr.Encoders.MiniLM;

/// <summary>Validates <see cref="MiniLmEncoderOptions"/> with messages naming the configuration key.</summary>
internal sealed class MiniLmEncoderOptionsValidator : IValidateOptions<MiniLmEncoderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, MiniLmEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.MaxTokens < 3 || options.MaxTokens > MiniLmEncoder.PositionLimit)
        {
            failures.Add($"{MiniLmEncoderOptions.SectionPath}:MaxTokens must be in 3..{MiniLmEncoder.PositionLimit} (got {options.MaxTokens}).");
        }
        if (options.Threads < 0)
        {
            failures.Add($"{MiniLmEncoderOptions.SectionPath}:Threads must be 0 (ONNX Runtime default) or positive (got {options.Threads}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
