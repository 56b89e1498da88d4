using LlmCfsr.Encoders.Decoder;

namespace LlmCfsr.Encoders.Qwen25;

/// <summary>Settings of the <c>qwen25</c> encoder, bound from <c>LlmCfsr:Encoders:Qwen25</c>.</summary>
public sealed class Qwen25EncoderOptions : DecoderEncoderOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionPath = "LlmCfsr:Encoders:Qwen25";
}
