using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the LLaMA-2 encoder.</summary>
public static class Llama2BuilderExtensions
{
    /// <summary>
    /// Registers <see cref="Llama2SemanticEncoder"/> as semantic encoder <c>llama2</c>, with options bound from
    /// <c>LlmCfsr:Encoders:Llama2</c> then <paramref name="configure"/>. Nothing is loaded until the first encode.
    /// Also registers the factory <see cref="TrainableTextEncoders.FromPretrained"/> uses for this family.
    /// </summary>
    public static ILlmCfsrBuilder AddLlama2Encoder(this ILlmCfsrBuilder builder, Action<Llama2EncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<Llama2EncoderOptions, DecoderEncoderOptionsValidator<Llama2EncoderOptions>>(Llama2EncoderOptions.SectionPath, configure);
        builder.AddTrainableTextEncoderFactory<Llama2TrainableEncoderFactory>();
        return builder.AddSemanticEncoder<Llama2SemanticEncoder>("llama2");
    }
}
