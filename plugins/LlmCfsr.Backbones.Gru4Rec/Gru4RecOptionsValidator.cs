using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Gru4Rec;

/// <summary>Validates <see cref="Gru4RecOptions"/>.</summary>
internal sealed class Gru4RecOptionsValidator : IValidateOptions<Gru4RecOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, Gru4RecOptions options)
        => options.RecurrentSize < 0
            ? ValidateOptionsResult.Fail($"{Gru4RecOptions.Section}:RecurrentSize must be 0 (use the hidden size) or positive (got {options.RecurrentSize}).")
            : ValidateOptionsResult.Success;
}
