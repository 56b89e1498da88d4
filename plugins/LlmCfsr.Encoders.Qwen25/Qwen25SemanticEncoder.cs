using LlmCfsr.Encoders.Decoder;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Encoders.Qwen25;

/// <summary>Qwen2.5 (or any Hugging Face Qwen2 checkpoint with a byte-level BPE <c>tokenizer.json</c>) as a semantic encoder.</summary>
public sealed class Qwen25SemanticEncoder : DecoderSemanticEncoder
{
    /// <summary>Creates the encoder; weights load on first use.</summary>
    public Qwen25SemanticEncoder(IOptions<Qwen25EncoderOptions> options) : base(options.Value)
    {
    }

    /// <summary>Creates the encoder from explicit options; weights load on first use.</summary>
    public Qwen25SemanticEncoder(Qwen25EncoderOptions options) : base(options)
    {
    }

    /// <inheritdoc />
    protected override IDecoderTokenizer LoadTokenizer(string modelFolder, DecoderConfig config)
        => ByteLevelBpeDecoderTokenizer.Load(Path.Combine(modelFolder, "tokenizer.json"), config.EosTokenId);
}
