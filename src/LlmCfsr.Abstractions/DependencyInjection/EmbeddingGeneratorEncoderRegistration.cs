using LlmCfsr.Encoders;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers Microsoft.Extensions.AI embedding generators as semantic encoders.</summary>
public static class EmbeddingGeneratorEncoderRegistration
{
    /// <summary>
    /// Registers the embedding generator made by <paramref name="generatorFactory"/> as semantic encoder
    /// <paramref name="name"/> (raw and frozen; see <see cref="EmbeddingGeneratorSemanticEncoder"/>). The factory runs on
    /// first resolution; the generator stays owned by whoever created it (register it in the container, e.g.
    /// <c>services.AddEmbeddingGenerator(...)</c>, and return <c>sp.GetRequiredService&lt;...&gt;()</c>, so the container
    /// disposes it). The first registration of a name wins.
    /// </summary>
    public static ILlmCfsrBuilder AddEmbeddingGeneratorEncoder(this ILlmCfsrBuilder builder, string name,
        Func<IServiceProvider, IEmbeddingGenerator<string, Embedding<float>>> generatorFactory, int? dimension = null, int maxTokens = 8192)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(generatorFactory);
        var key = ComponentRegistration.NormalizeName(name);
        if (builder.Services.Any(d => d.ServiceType == typeof(ISemanticEncoder) && d.IsKeyedService && Equals(d.ServiceKey, key)))
        {
            return builder;
        }
        builder.Services.AddKeyedSingleton<ISemanticEncoder>(key, (services, _) =>
            new EmbeddingGeneratorSemanticEncoder(generatorFactory(services), dimension, maxTokens, ownsGenerator: false));
        builder.Services.AddSingleton(new ComponentRegistration(ComponentKind.SemanticEncoder, key, typeof(EmbeddingGeneratorSemanticEncoder)));
        return builder;
    }
}
