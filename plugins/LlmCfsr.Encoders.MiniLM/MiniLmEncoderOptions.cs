namespace LlmCfsr.Encoders.MiniLM;

/// <summary>Settings of the all-MiniLM-L6-v2 encoder, bound from "LlmCfsr:Encoders:MiniLM".</summary>
public sealed class MiniLmEncoderOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionPath = "LlmCfsr:Encoders:MiniLM";

    /// <summary>Longest input in WordPiece tokens including [CLS] and [SEP], 3..512; sentence-transformers uses 256 for this model.</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// Scale every embedding to unit L2 norm, as the sentence-transformers pipeline of all-MiniLM-L6-v2 does
    /// (its last module is Normalize). When false, only calls that ask for it normalise.
    /// </summary>
    public bool Normalize { get; set; } = true;

    /// <summary>ONNX Runtime intra-op threads; 0 lets ONNX Runtime pick (one per physical core).</summary>
    public int Threads { get; set; }
}
