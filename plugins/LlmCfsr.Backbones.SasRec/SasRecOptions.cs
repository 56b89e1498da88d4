namespace LlmCfsr.Backbones.SasRec;

/// <summary>
/// SASRec-specific knobs, bound from "LlmCfsr:Backbones:SasRec". Sizes (hidden, layers, heads, dropout, maximum
/// length) come from the model through <see cref="Sequences.SequenceEncoderSettings"/>.
/// </summary>
public sealed class SasRecOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Backbones:SasRec";

    /// <summary>Inner size of the point-wise feed-forward network as a multiple of the hidden size (the paper uses 1).</summary>
    public int FeedForwardMultiplier { get; set; } = 1;

    /// <summary>Epsilon of every layer norm (the reference implementation uses 1e-8).</summary>
    public double LayerNormEpsilon { get; set; } = 1e-8;

    /// <summary>Multiplies input item embeddings by sqrt(hidden) before adding positions, as the reference implementation does.</summary>
    public bool ScaleEmbeddings { get; set; } = true;
}
