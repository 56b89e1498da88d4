using LlmCfsr.Encoders.MiniLM;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds the offline all-MiniLM-L6-v2 encoder to an LlmCfsr host.</summary>
public static class MiniLmBuilderExtensions
{
    /// <summary>The name the encoder is registered under.</summary>
    public const string EncoderName = "minilm";

    /// <summary>
    /// Registers <see cref="MiniLmEncoder"/> as the semantic encoder "minilm", with options bound from
    /// "LlmCfsr:Encoders:MiniLM" and then <paramref name="configure"/>. The model loads on first use.
    /// </summary>
    public static ILlmCfsrBuilder AddMiniLmEncoder(this ILlmCfsrBuilder builder, Action<MiniLmEncoderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<MiniLmEncoderOptions, MiniLmEncoderOptionsValidator>(MiniLmEncoderOptions.SectionPath, configure);
        return builder.AddSemanticEncoder<MiniLmEncoder>(EncoderName);
    }
}
