namespace LlmCfsr.Backbones.Bert4Rec;

/// <summary>
/// BERT4Rec-specific knobs, bound from "LlmCfsr:Backbones:Bert4Rec". Sizes (hidden, layers, heads, dropout,
/// maximum length) come from the model through <see cref="Sequences.SequenceEncoderSettings"/>; the mask
/// probability of masked-item training is a trainer option.
/// </summary>
public sealed class Bert4RecOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Backbones:Bert4Rec";

    /// <summary>Inner size of the GELU feed-forward network as a multiple of the hidden size (BERT uses 4).</summary>
    public int FeedForwardMultiplier { get; set; } = 4;

    /// <summary>Epsilon of every layer norm (BERT uses 1e-12).</summary>
    public double LayerNormEpsilon { get; set; } = 1e-12;
}
