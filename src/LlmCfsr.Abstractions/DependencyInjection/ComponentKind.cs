namespace LlmCfsr.DependencyInjection;

/// <summary>The kinds of swappable parts, each resolved by name.</summary>
public enum ComponentKind
{
    /// <summary>An <see cref="Encoders.ISemanticEncoder"/>.</summary>
    SemanticEncoder,

    /// <summary>An <see cref="Sequences.ISequenceEncoderFactory"/>.</summary>
    SequenceEncoder,

    /// <summary>An <see cref="Fusion.IFusionFactory"/>.</summary>
    Fusion,

    /// <summary>An <see cref="Losses.IRankingLoss"/>.</summary>
    RankingLoss,

    /// <summary>A recommendation model (SASRec, LLM-CFSR, LLM-ESR, ...).</summary>
    Model,

    /// <summary>An <see cref="Recommendation.IItemIndexFactory"/> (exact, HNSW, ...).</summary>
    ItemIndex,
}
