namespace LlmCfsr.Encoders.Decoder;

/// <summary>Text to token ids and back for a decoder model (SentencePiece for LLaMA-2, byte-level BPE for Qwen2.5).</summary>
public interface IDecoderTokenizer : IDisposable
{
    /// <summary>Beginning-of-sequence id, or null when the model has none.</summary>
    int? BosTokenId { get; }

    /// <summary>End-of-sequence id, or null when the model has none.</summary>
    int? EosTokenId { get; }

    /// <summary>Id used to pad batches (masked out, so any valid id works).</summary>
    int PadTokenId { get; }

    /// <summary>Encodes <paramref name="text"/> the way the model's Hugging Face tokenizer does by default (LLaMA prepends BOS, Qwen does not).</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids to text, skipping special tokens.</summary>
    string Decode(IEnumerable<int> ids);
}
