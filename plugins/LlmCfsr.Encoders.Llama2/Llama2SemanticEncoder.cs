using LlmCfsr.Encoders.Decoder;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Encoders.Llama2;

/// <summary>LLaMA-2 (or any Hugging Face LLaMA checkpoint with a SentencePiece <c>tokenizer.model</c>) as a semantic encoder.</summary>
public sealed class Llama2SemanticEncoder : DecoderSemanticEncoder
{
    /// <summary>Creates the encoder; weights load on first use.</summary>
    public Llama2SemanticEncoder(IOptions<Llama2EncoderOptions> options) : base(options.Value)
    {
    }

    /// <summary>Creates the encoder from explicit options; weights load on first use.</summary>
    public Llama2SemanticEncoder(Llama2EncoderOptions options) : base(options)
    {
    }

    /// <inheritdoc />
    protected override IDecoderTokenizer LoadTokenizer(string modelFolder, DecoderConfig config)
        => SentencePieceDecoderTokenizer.Load(Path.Combine(modelFolder, "tokenizer.model"));
}
