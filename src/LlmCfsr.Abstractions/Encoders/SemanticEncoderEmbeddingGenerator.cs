using Microsoft.Extensions.AI;
using TorchSharp;

namespace LlmCfsr.Encoders;

/// <summary>
/// Exposes an <see cref="ISemanticEncoder"/> as a Microsoft.Extensions.AI embedding generator, so it plugs
/// into code written against <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.
/// </summary>
public sealed class SemanticEncoderEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly ISemanticEncoder _encoder;
    private readonly SemanticEncodingOptions _options;
    private readonly bool _ownsEncoder;

    /// <summary>Wraps <paramref name="encoder"/>; it is disposed with this generator only when <paramref name="ownsEncoder"/> is true.</summary>
    public SemanticEncoderEmbeddingGenerator(ISemanticEncoder encoder, SemanticEncodingOptions? options = null, bool ownsEncoder = false)
    {
        _encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        _options = options ?? new SemanticEncodingOptions();
        _ownsEncoder = ownsEncoder;
        Metadata = new EmbeddingGeneratorMetadata(encoder.GetType().Name, defaultModelId: encoder.ModelId, defaultModelDimensions: encoder.Dimension);
    }

    /// <summary>Describes the wrapped encoder.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values as IReadOnlyList<string> ?? values.ToList();
        if (options?.Dimensions is int requested && requested != _encoder.Dimension)
        {
            throw new ArgumentException($"Encoder '{_encoder.ModelId}' produces {_encoder.Dimension}-dimensional embeddings; {requested} were requested.", nameof(options));
        }

        var created = DateTimeOffset.UtcNow;
        float[] flat;
        using (var embeddings = _encoder.Encode(texts, _options, cancellationToken))
        {
            flat = embeddings.to(torch.float32).cpu().data<float>().ToArray();
        }

        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var vector = new float[_encoder.Dimension];
            Array.Copy(flat, i * _encoder.Dimension, vector, 0, _encoder.Dimension);
            result.Add(new Embedding<float>(vector) { CreatedAt = created, ModelId = _encoder.ModelId });
        }
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
        {
            return Metadata;
        }
        return serviceType.IsInstanceOfType(_encoder) ? _encoder : serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsEncoder)
        {
            _encoder.Dispose();
        }
    }
}
