using LlmCfsr.Encoders;
using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

/// <summary>
/// A deterministic stand-in encoder for cache tests: a bag of character trigrams hashed into 16 buckets,
/// so equal texts give equal vectors and different texts (almost always) different ones. Counts the texts
/// it encodes.
/// </summary>
internal sealed class HashingEncoder(string fingerprint = "hashing|v1", string? adapter = null) : ISemanticEncoder
{
    public int EncodedTexts { get; private set; }

    public string ModelId => "test/hashing";
    public int Dimension => 16;
    public int MaxTokens => 1024;
    public torch.Device Device => torch.CPU;
    public torch.ScalarType DType => torch.ScalarType.Float32;
    public EmbeddingPooling Pooling => EmbeddingPooling.Mean;
    public string Fingerprint => fingerprint;
    public string? Adapter => adapter;

    public torch.Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        var values = new float[texts.Count * Dimension];
        int batch = options?.BatchSize ?? 32;
        for (int i = 0; i < texts.Count; i++)
        {
            if (i % batch == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
            var text = texts[i];
            for (int c = 0; c + 2 < text.Length; c++)
            {
                values[i * Dimension + (text[c] * 31 + text[c + 1] * 7 + text[c + 2]) % Dimension] += 1f / text.Length;
            }
            EncodedTexts++;
            if ((i + 1) % batch == 0 || i == texts.Count - 1)
            {
                options?.Progress?.Report(i + 1);
            }
        }
        return torch.tensor(values, [texts.Count, Dimension]);
    }

    public void Dispose()
    {
    }
}
