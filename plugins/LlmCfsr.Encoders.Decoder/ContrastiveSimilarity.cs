namespace LlmCfsr.Encoders.Decoder;

/// <summary>The similarity s(a, b) inside contrastive losses.</summary>
public enum ContrastiveSimilarity
{
    /// <summary>The inner product ⟨a, b⟩ of the embeddings as the encoder's pipeline emits them (LLM-CFSR §2.3.3).</summary>
    InnerProduct,

    /// <summary>The cosine: the inner product of L2-normalised embeddings.</summary>
    Cosine,
}
