using LlmCfsr.Encoders.Bert;
using LlmCfsr.Encoders.Decoder;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the BERT-family encoder.</summary>
public static class BertBuilderExtensions
{
    /// <summary>The encoder's registered name.</summary>
    public const string EncoderName = "bert";

    /// <summary>
    /// Registers <see cref="BertSemanticEncoder"/> as semantic encoder <c>bert</c>, with options bound from
    /// <c>LlmCfsr:Encoders:Bert</c> then <paramref name="configure"/>, and the bert factory of
    /// <see cref="TrainableTextEncoders.FromPretrained"/>. Nothing is loaded until the first encode.
    /// </summary>
    public static ILlmCfsrBuilder AddBertEncoder(this ILlmCfsrBuilder builder, Action<BertEncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<BertEncoderOptions, BertEncoderOptionsValidator>(BertEncoderOptions.SectionPath, configure);
        builder.AddTrainableTextEncoderFactory<BertTrainableEncoderFactory>();
        return builder.AddSemanticEncoder<BertSemanticEncoder>(EncoderName);
    }
}
