using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Qwen25;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the Qwen2.5 encoder.</summary>
public static class Qwen25BuilderExtensions
{
    /// <summary>
    /// Registers <see cref="Qwen25SemanticEncoder"/> as semantic encoder <c>qwen25</c>, with options bound from
    /// <c>LlmCfsr:Encoders:Qwen25</c> then <paramref name="configure"/>. Nothing is loaded until the first encode.
    /// Also registers the factory <see cref="TrainableTextEncoders.FromPretrained"/> uses for this family.
    /// </summary>
    public static ILlmCfsrBuilder AddQwen25Encoder(this ILlmCfsrBuilder builder, Action<Qwen25EncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<Qwen25EncoderOptions, DecoderEncoderOptionsValidator<Qwen25EncoderOptions>>(Qwen25EncoderOptions.SectionPath, configure);
        builder.AddTrainableTextEncoderFactory<Qwen25TrainableEncoderFactory>();
        return builder.AddSemanticEncoder<Qwen25SemanticEncoder>("qwen25");
    }
}
