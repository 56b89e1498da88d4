using LlmCfsr.Encoders.Decoder;

namespace LlmCfsr.Encoders.Llama2;

/// <summary>Settings of the <c>llama2</c> encoder, bound from <c>LlmCfsr:Encoders:Llama2</c>.</summary>
public sealed class Llama2EncoderOptions : DecoderEncoderOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionPath = "LlmCfsr:Encoders:Llama2";
}
