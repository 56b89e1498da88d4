using Microsoft.Extensions.AI;
using TorchSharp;

namespace LlmCfsr.Encoders;

/// <summary>
/// Uses any Microsoft.Extensions.AI <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> (a hosted embedding API, a local
/// model, ...) as a raw, frozen <see cref="ISemanticEncoder"/>, the way LLM-ESR used a hosted embedding service. Texts
/// are sent in batches of <see cref="SemanticEncodingOptions.BatchSize"/>; retries, rate limits and caching are left to
/// the generator's own pipeline (e.g. its <c>EmbeddingGeneratorBuilder</c>). Embeddings come back in input order.
/// </summary>
public sealed class EmbeddingGeneratorSemanticEncoder : ISemanticEncoder
{
    private readonly IEmbeddingGenerator<string, Embedding<float>> _generator;
    private readonly bool _ownsGenerator;

    /// <summary>Wraps <paramref name="generator"/>.</summary>
    /// <param name="generator">The embedding generator.</param>
    /// <param name="dimension">Size of its embeddings; null takes the generator metadata's default dimensions.</param>
    /// <param name="maxTokens">The generator's input limit, as documented by its provider (informational: the generator truncates).</param>
    /// <param name="ownsGenerator">Dispose the generator with this encoder.</param>
    public EmbeddingGeneratorSemanticEncoder(IEmbeddingGenerator<string, Embedding<float>> generator, int? dimension = null, int maxTokens = 8192, bool ownsGenerator = false)
    {
        _generator = generator ?? throw new ArgumentNullException(nameof(generator));
        _ownsGenerator = ownsGenerator;
        var metadata = generator.GetService(typeof(EmbeddingGeneratorMetadata)) as EmbeddingGeneratorMetadata;
        Dimension = dimension ?? metadata?.DefaultModelDimensions
            ?? throw new ArgumentException("The embedding generator does not state its dimensions in its metadata; pass them explicitly.", nameof(dimension));
        if (Dimension <= 0 || maxTokens <= 0)
        {
            throw new ArgumentException($"Dimension ({Dimension}) and maxTokens ({maxTokens}) must be positive.");
        }
        MaxTokens = maxTokens;
        ModelId = metadata?.DefaultModelId ?? generator.GetType().Name;
        Fingerprint = $"embedding-generator|{metadata?.ProviderName ?? generator.GetType().FullName}|{metadata?.ProviderUri}|{ModelId}|dim={Dimension}|pooling=provider";
    }

    /// <inheritdoc />
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public int MaxTokens { get; }

    /// <summary>The CPU: embeddings arrive as arrays from the generator.</summary>
    public torch.Device Device => torch.CPU;

    /// <inheritdoc />
    public torch.ScalarType DType => torch.ScalarType.Float32;

    /// <summary>Whatever the provider does; reported as <see cref="EmbeddingPooling.Mean"/>, the usual sentence-embedding pooling.</summary>
    public EmbeddingPooling Pooling => EmbeddingPooling.Mean;

    /// <summary>Provider, endpoint, model and dimension (from the generator's metadata).</summary>
    public string Fingerprint { get; }

    /// <inheritdoc />
    public torch.Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new SemanticEncodingOptions();
        if (options.BatchSize <= 0)
        {
            throw new ArgumentException($"BatchSize must be positive (got {options.BatchSize}).", nameof(options));
        }
        var values = new float[(long)texts.Count * Dimension];
        for (int start = 0; start < texts.Count; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = texts.Skip(start).Take(options.BatchSize).ToList();
            // ISemanticEncoder is synchronous; no torch scope is open across this wait.
            var embeddings = _generator.GenerateAsync(batch, new EmbeddingGenerationOptions { Dimensions = Dimension }, cancellationToken).GetAwaiter().GetResult();
            if (embeddings.Count != batch.Count)
            {
                throw new InvalidDataException($"The embedding generator '{ModelId}' returned {embeddings.Count} embeddings for {batch.Count} texts.");
            }
            for (int i = 0; i < batch.Count; i++)
            {
                var vector = embeddings[i].Vector.Span;
                if (vector.Length != Dimension)
                {
                    throw new InvalidDataException($"The embedding generator '{ModelId}' returned a {vector.Length}-dimensional embedding for text {start + i}; expected {Dimension}.");
                }
                if (options.Normalize)
                {
                    double squares = 0;
                    foreach (var value in vector)
                    {
                        squares += (double)value * value;
                    }
                    double norm = Math.Sqrt(squares);
                    for (int d = 0; d < Dimension; d++)
                    {
                        values[(long)(start + i) * Dimension + d] = (float)(vector[d] / Math.Max(norm, 1e-12));
                    }
                }
                else
                {
                    vector.CopyTo(values.AsSpan((int)((long)(start + i) * Dimension), Dimension));
                }
            }
            options.Progress?.Report(start + batch.Count);
        }
        return torch.tensor(values, new long[] { texts.Count, Dimension });
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsGenerator)
        {
            _generator.Dispose();
        }
    }
}
