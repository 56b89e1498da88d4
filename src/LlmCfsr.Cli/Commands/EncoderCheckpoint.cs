using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Encoders.Qwen25;

namespace LlmCfsr.Cli.Commands;

/// <summary>Opens the tokenizer of a Hugging Face checkpoint folder by the file it holds.</summary>
internal static class EncoderCheckpoint
{
    /// <summary>SentencePiece <c>tokenizer.model</c> (LLaMA-2) if present, else byte-level BPE <c>tokenizer.json</c> (Qwen2.5).</summary>
    public static IDecoderTokenizer OpenTokenizer(string folder, DecoderConfig config)
    {
        var sentencePiece = Path.Combine(folder, "tokenizer.model");
        if (File.Exists(sentencePiece))
        {
            return SentencePieceDecoderTokenizer.Load(sentencePiece);
        }
        var json = Path.Combine(folder, "tokenizer.json");
        if (File.Exists(json))
        {
            return ByteLevelBpeDecoderTokenizer.Load(json, config.EosTokenId);
        }
        throw new FileNotFoundException($"Checkpoint folder '{folder}' has neither tokenizer.model (SentencePiece) nor tokenizer.json (byte-level BPE).");
    }
}
