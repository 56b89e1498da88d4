using LlmCfsr.Encoders.Decoder;
using Tokenizers.DotNet;

namespace LlmCfsr.Encoders.Qwen25;

/// <summary>
/// Qwen2.5's byte-level BPE tokenizer read from Hugging Face <c>tokenizer.json</c> by the Rust <c>tokenizers</c>
/// library (Tokenizers.DotNet), so pre-tokenisation, merges and added tokens match Python exactly. No BOS is added.
/// </summary>
public sealed class ByteLevelBpeDecoderTokenizer : IDecoderTokenizer
{
    private readonly Tokenizer _tokenizer;

    private ByteLevelBpeDecoderTokenizer(Tokenizer tokenizer, int? eos)
    {
        _tokenizer = tokenizer;
        EosTokenId = eos;
    }

    /// <summary>Opens <paramref name="path"/>; <paramref name="eosTokenId"/> comes from config.json.</summary>
    public static ByteLevelBpeDecoderTokenizer Load(string path, int? eosTokenId)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Tokenizer file '{path}' does not exist.", path);
        }
        try
        {
            return new ByteLevelBpeDecoderTokenizer(new Tokenizer(vocabPath: path), eosTokenId);
        }
        catch (TokenizerException e)
        {
            throw new InvalidDataException($"{path}: not a readable Hugging Face tokenizer.json ({e.Message}).", e);
        }
    }

    /// <summary>Qwen2.5 prepends no BOS token.</summary>
    public int? BosTokenId => null;

    /// <inheritdoc />
    public int? EosTokenId { get; }

    /// <summary>Padding reuses EOS (<c>&lt;|endoftext|&gt;</c> in Qwen2.5), as Qwen's own pad token is; padded positions are masked.</summary>
    public int PadTokenId => EosTokenId ?? 0;

    /// <inheritdoc />
    public IReadOnlyList<int> Encode(string text) => _tokenizer.Encode(text).Select(id => checked((int)id)).ToArray();

    /// <inheritdoc />
    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids.Select(id => checked((uint)id)).ToArray());

    /// <inheritdoc />
    public void Dispose() => _tokenizer.Dispose();
}
