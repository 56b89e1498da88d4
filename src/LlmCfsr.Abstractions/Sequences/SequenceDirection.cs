namespace LlmCfsr.Sequences;

/// <summary>Which positions a sequence backbone lets each position attend to.</summary>
public enum SequenceDirection
{
    /// <summary>Only itself and earlier positions (next-item prediction at every position).</summary>
    Causal,

    /// <summary>Every position (masked-item prediction).</summary>
    Bidirectional,
}
