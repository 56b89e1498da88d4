using Microsoft.Extensions.AI;

namespace LlmCfsr.Encoders;

/// <summary>Conversions between LlmCfsr encoders and Microsoft.Extensions.AI.</summary>
public static class SemanticEncoderExtensions
{
    /// <summary>Wraps the encoder as an <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (the encoder stays owned by the caller).</summary>
    public static IEmbeddingGenerator<string, Embedding<float>> AsEmbeddingGenerator(this ISemanticEncoder encoder, SemanticEncodingOptions? options = null)
        => new SemanticEncoderEmbeddingGenerator(encoder, options);
}
