using LlmCfsr.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// A tiny deterministic text encoder for self-contained tests: each lower-cased word maps to a fixed pseudo-random
/// vector (seeded by a stable hash of the word), a text to the mean of its words' vectors. Texts that share words
/// (the synthetic items of one topic) get similar embeddings, as an LLM's would.
/// </summary>
internal sealed class BagOfWordsEncoder : ISemanticEncoder
{
    public const int Size = 32;

    public string ModelId => "bag-of-words-test";

    public int Dimension => Size;

    public int MaxTokens => 512;

    public Device Device => CPU;

    public ScalarType DType => ScalarType.Float32;

    public EmbeddingPooling Pooling => EmbeddingPooling.Mean;

    public string Fingerprint => "bag-of-words-test/1";

    public Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        var values = new float[texts.Count * Size];
        for (int t = 0; t < texts.Count; t++)
        {
            var words = texts[t].ToLowerInvariant().Split([' ', ',', '.', ':', ';', '\n', '"'], StringSplitOptions.RemoveEmptyEntries);
            foreach (var word in words)
            {
                var random = new Random(StableHash(word));
                for (int d = 0; d < Size; d++)
                {
                    values[(t * Size) + d] += (float)((random.NextDouble() * 2) - 1) / words.Length;
                }
            }
        }
        return tensor(values, [texts.Count, Size]);
    }

    public void Dispose()
    {
    }

    private static int StableHash(string word)
    {
        unchecked
        {
            int hash = (int)2166136261;
            foreach (char c in word)
            {
                hash = (hash ^ c) * 16777619;
            }
            return hash;
        }
    }
}
