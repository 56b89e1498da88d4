using LlmCfsr.Encoders.Decoder;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Validates <see cref="BertEncoderOptions"/> with messages naming the configuration key.</summary>
internal sealed class BertEncoderOptionsValidator : IValidateOptions<BertEncoderOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, BertEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            failures.Add($"{BertEncoderOptions.SectionPath}:ModelPath is required: '{BertTrainableEncoder.PackagedMiniLm}' or a Hugging Face BERT folder.");
        }
        if (options.MaxTokens < 3)
        {
            failures.Add($"{BertEncoderOptions.SectionPath}:MaxTokens must be at least 3 ([CLS], one token, [SEP]) (got {options.MaxTokens}).");
        }
        try
        {
            DecoderRuntime.ParseDType(options.DType);
        }
        catch (ArgumentException e)
        {
            failures.Add($"{BertEncoderOptions.SectionPath}:DType: {e.Message}");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
