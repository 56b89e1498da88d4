using LlmCfsr.DependencyInjection;
using LlmCfsr.Encoders;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.Encoders;

public sealed class EmbeddingGeneratorSemanticEncoderTests
{
    [Fact]
    public void A_registered_generator_encodes_in_batches_and_in_input_order()
    {
        var generator = new LetterCountGenerator();
        var services = new ServiceCollection();
        services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(generator);
        services.AddLlmCfsr().AddEmbeddingGeneratorEncoder("letters", sp => sp.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>());
        using var provider = services.BuildServiceProvider();
        var encoder = provider.GetRequiredService<ComponentCatalog>().SemanticEncoder("Letters");

        var texts = new[] { "abc", "bb", "", "cab", "a" };
        using var embeddings = encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = 2 });

        Assert.Equal(new[] { 2, 2, 1 }, generator.BatchSizes);
        Assert.Equal(new long[] { 5, 3 }, embeddings.shape);
        // Row i counts the a, b and c of text i.
        Assert.Equal(new float[] { 1, 1, 1, 0, 2, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0 }, embeddings.data<float>().ToArray());
        Assert.Equal(3, encoder.Dimension);
        Assert.Equal("letter-counts", encoder.ModelId);
        Assert.Contains("LetterCount|", encoder.Fingerprint);

        using var normalized = encoder.Encode(new[] { "bb", "ab" }, new SemanticEncodingOptions { Normalize = true });
        Assert.Equal(new float[] { 0, 1, 0, (float)Math.Sqrt(0.5), (float)Math.Sqrt(0.5), 0 }, normalized.data<float>().ToArray());
    }

    [Fact]
    public void A_generator_without_stated_dimensions_needs_them_and_a_wrong_size_is_named()
    {
        Assert.Throws<ArgumentException>(() => new EmbeddingGeneratorSemanticEncoder(new LetterCountGenerator(statesDimensions: false)));
        using var encoder = new EmbeddingGeneratorSemanticEncoder(new LetterCountGenerator(statesDimensions: false), dimension: 4);
        var error = Assert.Throws<InvalidDataException>(() => encoder.Encode(new[] { "abc" }));
        Assert.Contains("3-dimensional embedding for text 0; expected 4", error.Message);
    }

    /// <summary>An in-process generator: the counts of 'a', 'b' and 'c' in each text; records the batch sizes it is given.</summary>
    private sealed class LetterCountGenerator(bool statesDimensions = true) : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly EmbeddingGeneratorMetadata _metadata = new("LetterCount", defaultModelId: "letter-counts", defaultModelDimensions: statesDimensions ? 3 : null);

        public List<int> BatchSizes { get; } = new();

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            BatchSizes.Add(texts.Count);
            var result = new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(new float[] { t.Count(c => c == 'a'), t.Count(c => c == 'b'), t.Count(c => c == 'c') })));
            return Task.FromResult(result);
        }

        public object? GetService(Type serviceType, object? serviceKey = null)
            => serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

        public void Dispose()
        {
        }
    }
}
