namespace LlmCfsr.Evaluation;

/// <summary>How the candidates a held-out item is ranked against are chosen.</summary>
public enum EvaluationProtocolKind
{
    /// <summary>N negatives drawn uniformly, without replacement, from the items the user never interacted with (LLM-ESR protocol).</summary>
    Sampled,

    /// <summary>N negatives drawn without replacement with probability proportional to item popularity, from the items the user never interacted with.</summary>
    Popularity,

    /// <summary>Every item the user never interacted with.</summary>
    Full,
}
