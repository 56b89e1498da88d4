using System.Text.Json;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Qwen25;

namespace LlmCfsr.Encoders.Tests.Decoder;

/// <summary>The Qwen2.5 path end to end on a tiny random Qwen2 checkpoint with a byte-level BPE tokenizer.json written here.</summary>
public sealed class Qwen25EncoderTests
{
    [Fact]
    public void Byte_level_bpe_applies_merges_and_round_trips_text_without_bos()
    {
        var folder = WriteTinyQwen();
        using var tokenizer = ByteLevelBpeDecoderTokenizer.Load(Path.Combine(folder, "tokenizer.json"), eosTokenId: 260);
        var vocabulary = Vocabulary();

        var ids = tokenizer.Encode("the cat, the hat");

        // Pre-tokenised as "the", "Ġcat", ",", "Ġthe", "Ġhat"; merges t+h -> th, th+e -> the, Ġ+the -> Ġthe.
        Assert.Equal(vocabulary["the"], ids[0]);
        Assert.Contains(vocabulary["Ġthe"], ids);
        Assert.Equal("the cat, the hat", tokenizer.Decode(ids));
        Assert.Null(tokenizer.BosTokenId);
        Assert.Equal(260, tokenizer.PadTokenId);
        Assert.Equal("ünïcödé ✓", tokenizer.Decode(tokenizer.Encode("ünïcödé ✓")));
    }

    [Fact]
    public void Qwen25_encoder_embeds_with_the_tiny_checkpoint()
    {
        var folder = WriteTinyQwen();
        using var encoder = new Qwen25SemanticEncoder(new Qwen25EncoderOptions { ModelPath = folder, Pooling = EmbeddingPooling.LastToken });
        using var embeddings = encoder.Encode(new[] { "the hat", "a cat sat on the mat", "the" }, new SemanticEncodingOptions { BatchSize = 2 });
        Assert.Equal(new long[] { 3, 32 }, embeddings.shape);
        using var single = encoder.Encode(new[] { "a cat sat on the mat" });
        Assert.True(embeddings[1].allclose(single[0], rtol: 1e-4, atol: 1e-5));
        Assert.Contains("pooling=LastToken", encoder.Fingerprint);
    }

    private static string WriteTinyQwen()
    {
        var config = TestModels.TinyConfig("qwen2", tied: true);
        config.VocabSize = 264; // 256 bytes + 4 merges + <|endoftext|>, rounded up as real vocabularies are.
        config.EosTokenId = 260;
        var folder = TestModels.WriteCheckpoint(config, TestModels.RandomWeights(config, seed: 21));
        var tokenizer = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new[] { new Dictionary<string, object> { ["id"] = 260, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true } },
            ["normalizer"] = null,
            ["pre_tokenizer"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true },
            ["post_processor"] = null,
            ["decoder"] = new Dictionary<string, object> { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new Dictionary<string, object?>
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["vocab"] = Vocabulary(),
                ["merges"] = new[] { "t h", "th e", "Ġ the", "a t" },
            },
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), JsonSerializer.Serialize(tokenizer));
        return folder;
    }

    /// <summary>GPT-2's byte-to-unicode table (every byte gets a printable character), then the merged tokens.</summary>
    private static Dictionary<string, int> Vocabulary()
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToList();
        var characters = new Dictionary<int, char>();
        int extra = 0;
        for (int b = 0; b < 256; b++)
        {
            characters[b] = printable.Contains(b) ? (char)b : (char)(256 + extra++);
        }
        var vocabulary = Enumerable.Range(0, 256).ToDictionary(b => characters[b].ToString(), b => b);
        vocabulary["th"] = 256;
        vocabulary["the"] = 257;
        vocabulary["Ġthe"] = 258;
        vocabulary["at"] = 259;
        return vocabulary;
    }
}
