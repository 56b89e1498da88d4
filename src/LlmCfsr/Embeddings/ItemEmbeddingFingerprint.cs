using LlmCfsr.Encoders;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings;

/// <summary>
/// What item embeddings depend on: the encoder (its <see cref="ISemanticEncoder.Fingerprint"/> covers model,
/// adapter, pooling and its own normalisation), the prompt template that turned attributes into text, and
/// whether the embeddings were L2-normalised on request. Two caches are interchangeable only when these match.
/// </summary>
/// <param name="Encoder">The encoder fingerprint.</param>
/// <param name="Model">The encoder's model id (informative; already part of <paramref name="Encoder"/>).</param>
/// <param name="Pooling">The encoder's pooling (informative; already part of <paramref name="Encoder"/>).</param>
/// <param name="PromptTemplate">The prompt template fingerprint.</param>
/// <param name="Normalized">Whether embeddings were requested L2-normalised.</param>
public sealed record ItemEmbeddingFingerprint(string Encoder, string Model, EmbeddingPooling Pooling, string PromptTemplate, bool Normalized)
{
    /// <summary>The fingerprint of embeddings <paramref name="encoder"/> makes from <paramref name="template"/>'s texts.</summary>
    public static ItemEmbeddingFingerprint Of(ISemanticEncoder encoder, ItemPromptTemplate template, bool normalized)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(template);
        return new ItemEmbeddingFingerprint(encoder.Fingerprint, encoder.ModelId, encoder.Pooling, template.Fingerprint, normalized);
    }

    /// <summary>Lists the fields in which <paramref name="other"/> differs from this fingerprint, or an empty list.</summary>
    public IReadOnlyList<string> Differences(ItemEmbeddingFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (Encoder != other.Encoder)
        {
            differences.Add($"encoder '{Encoder}' vs '{other.Encoder}'");
        }
        if (PromptTemplate != other.PromptTemplate)
        {
            differences.Add($"prompt template '{PromptTemplate}' vs '{other.PromptTemplate}'");
        }
        if (Normalized != other.Normalized)
        {
            differences.Add($"normalized {Normalized} vs {other.Normalized}");
        }
        if (differences.Count == 0 && (Model != other.Model || Pooling != other.Pooling))
        {
            differences.Add($"model '{Model}' ({Pooling}) vs '{other.Model}' ({other.Pooling})");
        }
        return differences;
    }
}
