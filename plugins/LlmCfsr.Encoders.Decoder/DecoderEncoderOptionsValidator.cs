using Microsoft.Extensions.Options;
using TorchSharp;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Validates <typeparamref name="TOptions"/> without touching the weights (they load on first use).</summary>
public sealed class DecoderEncoderOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : DecoderEncoderOptions
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = typeof(TOptions).Name;
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            failures.Add($"{section}.ModelPath is required: a Hugging Face checkpoint folder with config.json.");
        }
        if (options.MaxTokens <= 0)
        {
            failures.Add($"{section}.MaxTokens must be positive (got {options.MaxTokens}).");
        }
        try
        {
            DecoderRuntime.ParseDType(options.DType);
        }
        catch (ArgumentException e)
        {
            failures.Add($"{section}.DType: {e.Message}");
        }
        try
        {
            _ = new torch.Device(options.Device);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            failures.Add($"{section}.Device '{options.Device}' is not a torch device (cpu, cuda, cuda:N).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
