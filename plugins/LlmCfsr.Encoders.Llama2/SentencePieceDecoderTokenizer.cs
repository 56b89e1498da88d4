using LlmCfsr.Encoders.Decoder;
using Microsoft.ML.Tokenizers;

namespace LlmCfsr.Encoders.Llama2;

/// <summary>LLaMA-2's SentencePiece tokenizer (<c>tokenizer.model</c>): prepends BOS like Hugging Face's LlamaTokenizer.</summary>
public sealed class SentencePieceDecoderTokenizer : IDecoderTokenizer
{
    private readonly SentencePieceTokenizer _tokenizer;

    private SentencePieceDecoderTokenizer(SentencePieceTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Opens a SentencePiece model file.</summary>
    public static SentencePieceDecoderTokenizer Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SentencePiece tokenizer '{path}' does not exist.", path);
        }
        using var stream = File.OpenRead(path);
        try
        {
            return new SentencePieceDecoderTokenizer(LlamaTokenizer.Create(stream, addBeginOfSentence: true, addEndOfSentence: false));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            throw new InvalidDataException($"{path}: not a readable SentencePiece model ({e.Message}).", e);
        }
    }

    /// <inheritdoc />
    public int? BosTokenId => _tokenizer.BeginningOfSentenceId;

    /// <inheritdoc />
    public int? EosTokenId => _tokenizer.EndOfSentenceId;

    /// <summary>LLaMA-2 has no pad token; padded positions are masked, so EOS is used, as is customary.</summary>
    public int PadTokenId => _tokenizer.EndOfSentenceId;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _tokenizer.EncodeToIds(text, addBeginningOfSentence: true, addEndOfSentence: false);

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids, considerSpecialTokens: false);

    /// <inheritdoc />
    public void Dispose()
    {
    }
}
