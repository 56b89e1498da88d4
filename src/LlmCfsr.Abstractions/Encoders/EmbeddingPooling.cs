namespace LlmCfsr.Encoders;

/// <summary>How the last layer's token states are reduced to one embedding.</summary>
public enum EmbeddingPooling
{
    /// <summary>Mean over the non-padding tokens (the LLM-CFSR / LLM-ESR default).</summary>
    Mean,

    /// <summary>The state of the last non-padding token.</summary>
    LastToken,
}
