using LlmCfsr.DependencyInjection;
using LlmCfsr.Encoders;
using LlmCfsr.Encoders.MiniLM;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.MiniLM;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmEncoderTests(MiniLmEncoderFixture fixture)
{
    private readonly MiniLmEncoder _encoder = fixture.Encoder;

    private float[][] Embed(IReadOnlyList<string> texts, int batchSize = 32)
    {
        using var embeddings = _encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = batchSize });
        Assert.Equal(new long[] { texts.Count, 384 }, embeddings.shape);
        Assert.Equal(torch.ScalarType.Float32, embeddings.dtype);
        var flat = embeddings.data<float>().ToArray();
        return Enumerable.Range(0, texts.Count).Select(i => flat.AsSpan(i * 384, 384).ToArray()).ToArray();
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    [Fact]
    public void Embeddings_are_384_dimensional_unit_vectors()
    {
        var vectors = Embed(["a cat sits on the mat", "Stapler, Swingline, 20 sheets", "", "Crème brûlée à la carte"]);
        Assert.All(vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5));
        Assert.Equal(384, _encoder.Dimension);
        Assert.Equal(EmbeddingPooling.Mean, _encoder.Pooling);
    }

    [Fact]
    public void Matches_the_published_sentence_transformers_similarities()
    {
        // sbert.net "Usage" page: SentenceTransformer("all-MiniLM-L6-v2") on these three sentences prints
        // similarities [[1, 0.6660, 0.1046], [0.6660, 1, 0.1411], [0.1046, 0.1411, 1]] (4 decimals), so a
        // correct tokenizer + model + mean pooling + normalisation reproduces them to within rounding.
        var v = Embed(["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]);
        Assert.Equal(0.6660, Cosine(v[0], v[1]), 0.0006);
        Assert.Equal(0.1046, Cosine(v[0], v[2]), 0.0006);
        Assert.Equal(0.1411, Cosine(v[1], v[2]), 0.0006);
    }

    [Fact]
    public void Paraphrases_are_closer_than_unrelated_sentences()
    {
        var v = Embed(["a cat sits on the mat", "a kitten rests on a rug", "stock markets fell sharply"]);
        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.2, $"{Cosine(v[0], v[1])} vs {Cosine(v[0], v[2])}");
    }

    [Fact]
    public void An_embedding_does_not_depend_on_batch_or_padding()
    {
        string target = "a cat sits on the mat";
        var alone = Embed([target])[0];
        var batched = Embed([
            "Office chair with lumbar support, adjustable height and armrests, black mesh back, 250 lb capacity",
            target,
            "pen",
            "Heavy-duty stapler for 100 sheets with a jam-free mechanism and a five-year warranty",
        ], batchSize: 4);

        // Padding tokens are masked out of attention and pooling; only float summation order differs.
        Assert.All(alone.Zip(batched[1]), p => Assert.Equal(p.First, p.Second, 1e-5f));
        Assert.All(Embed(["pen"])[0].Zip(batched[2]), p => Assert.Equal(p.First, p.Second, 1e-5f));
    }

    [Fact]
    public async Task Embedding_generator_interop_returns_the_same_vectors()
    {
        string[] texts = ["The weather is lovely today.", "He drove to the stadium."];
        var direct = Embed(texts);
        var generator = _encoder.AsEmbeddingGenerator();

        var generated = await generator.GenerateAsync(texts);

        Assert.Equal(2, generated.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(direct[i], generated[i].Vector.ToArray());
            Assert.Equal(MiniLmEncoder.HubModelId, generated[i].ModelId);
        }
    }

    [Fact]
    public void Long_texts_are_truncated_to_max_tokens()
    {
        var longText = string.Join(' ', Enumerable.Repeat("stapler", 400));
        Assert.Equal([256, 5], _encoder.CountTokens([longText, "a cat sits"]));
    }

    [Fact]
    public void Progress_reports_every_batch_and_cancellation_stops()
    {
        var reports = new List<int>();
        var texts = Enumerable.Range(0, 5).Select(i => $"item {i}").ToArray();
        using (_encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = 2, Progress = new SynchronousProgress<int>(reports.Add) }))
        {
        }
        Assert.Equal([2, 4, 5], reports);

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => _encoder.Encode(texts, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void Registers_by_name_without_loading_and_validates_options()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["LlmCfsr:Encoders:MiniLM:MaxTokens"] = "128" })
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLlmCfsr().AddMiniLmEncoder();
        using var provider = services.BuildServiceProvider();

        var encoder = Assert.IsType<MiniLmEncoder>(provider.GetRequiredService<ComponentCatalog>().SemanticEncoder("MiniLM"));
        Assert.False(encoder.IsLoaded);
        Assert.Equal(128, encoder.MaxTokens);
        Assert.Contains("max-tokens=128", encoder.Fingerprint);
        Assert.NotEqual(encoder.Fingerprint, _encoder.Fingerprint);

        var bad = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        bad.AddLlmCfsr().AddMiniLmEncoder(o => o.MaxTokens = 600);
        using var badProvider = bad.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => badProvider.GetRequiredService<IOptions<MiniLmEncoderOptions>>().Value);
        Assert.Contains("LlmCfsr:Encoders:MiniLM:MaxTokens must be in 3..512", error.Message);
    }
}
