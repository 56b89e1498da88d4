namespace LlmCfsr.Backbones.Gru4Rec;

/// <summary>
/// GRU4Rec-specific knobs, bound from "LlmCfsr:Backbones:Gru4Rec". Sizes (hidden, layers, dropout, maximum
/// length) come from the model through <see cref="Sequences.SequenceEncoderSettings"/>.
/// </summary>
public sealed class Gru4RecOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Backbones:Gru4Rec";

    /// <summary>Size of the recurrent state; 0 uses the model's hidden size. The output is projected back to the hidden size.</summary>
    public int RecurrentSize { get; set; }
}
