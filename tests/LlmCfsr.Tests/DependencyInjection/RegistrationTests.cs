using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Tests.DependencyInjection;

public class RegistrationTests
{
    private static IServiceCollection ServicesWith(params (string Key, string? Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        return new ServiceCollection().AddSingleton<IConfiguration>(configuration);
    }

    [Fact]
    public void TheTrainerResolvesFromTheContainer()
    {
        var services = ServicesWith();
        services.AddLlmCfsr();
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        Assert.NotNull(provider.GetRequiredService<RecommenderTrainer>());
        Assert.Single(services, d => d.ServiceType == typeof(RecommenderTrainer));
    }

    [Fact]
    public void PartsResolveByNameCaseInsensitively()
    {
        var services = ServicesWith();
        services.AddLlmCfsr()
            .AddSequenceEncoder<FirstBackboneFactory>("first")
            .AddSequenceEncoder<SecondBackboneFactory>("Second");
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ComponentCatalog>();

        Assert.IsType<FirstBackboneFactory>(catalog.SequenceEncoder("FIRST"));
        Assert.IsType<SecondBackboneFactory>(catalog.SequenceEncoder("second"));
        Assert.Equal(new[] { "first", "second" }, catalog.Names(ComponentKind.SequenceEncoder));
        Assert.IsType<SecondBackboneFactory>(provider.GetRequiredKeyedService<ISequenceEncoderFactory>("second"));
    }

    [Fact]
    public void CodeConfigurationRunsAfterBinding()
    {
        var services = ServicesWith(("LlmCfsr:Threads", "3"));
        services.AddLlmCfsr(o => o.Threads *= 2);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(6, provider.GetRequiredService<IOptions<LlmCfsrOptions>>().Value.Threads);
    }

    [Fact]
    public void WorksWithoutAConfiguration()
    {
        var services = new ServiceCollection();
        var builder = services.AddLlmCfsr(o => o.Threads = 5).AddSequenceEncoder<FirstBackboneFactory>("first");
        builder.Validate();
        using var provider = services.BuildServiceProvider();
        Assert.Equal(5, provider.GetRequiredService<IOptions<LlmCfsrOptions>>().Value.Threads);
    }

    [Fact]
    public void FirstRegistrationOfANameWins()
    {
        var services = ServicesWith();
        services.AddLlmCfsr()
            .AddSequenceEncoder<FirstBackboneFactory>("backbone")
            .AddSequenceEncoder<SecondBackboneFactory>("backbone");
        using var provider = services.BuildServiceProvider();
        var catalog = provider.GetRequiredService<ComponentCatalog>();
        Assert.IsType<FirstBackboneFactory>(catalog.SequenceEncoder("backbone"));
        Assert.Single(catalog.Registrations);
    }

    [Fact]
    public void UnknownNameListsRegisteredNames()
    {
        var services = ServicesWith();
        services.AddLlmCfsr().AddSequenceEncoder<FirstBackboneFactory>("first");
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<KeyNotFoundException>(() => provider.GetRequiredService<ComponentCatalog>().SequenceEncoder("transformer"));
        Assert.Contains("'transformer'", error.Message);
        Assert.Contains("Registered: first", error.Message);
    }

    [Fact]
    public void ValidateReportsEveryInvalidSetting()
    {
        var services = ServicesWith(
            ("LlmCfsr:Threads", "-2"),
            ("LlmCfsr:Window:Width", "0"));
        var builder = services.AddLlmCfsr()
            .AddSequenceEncoder<FirstBackboneFactory>("first");
        builder.AddValidatedOptions<WindowOptions, WindowOptionsValidator>("LlmCfsr:Window");

        var error = Assert.Throws<OptionsValidationException>(() => builder.Validate());
        var message = string.Join("\n", error.Failures);
        Assert.Contains("Threads must be 0", message);
        Assert.Contains("[LlmCfsr:Window] Width must be positive (got 0)", message);
        Assert.Equal(2, error.Failures.Count());
    }

    [Fact]
    public void ValidatePassesForValidSettings()
    {
        var services = ServicesWith(("LlmCfsr:Threads", "1"));
        var builder = services.AddLlmCfsr().AddSequenceEncoder<FirstBackboneFactory>("first");
        Assert.Same(builder, builder.Validate());
    }

    [Fact]
    public void RegistrationDoesNotCreateParts()
    {
        var services = ServicesWith();
        services.AddLlmCfsr().AddSemanticEncoder<ThrowingEncoder>("heavy");
        using var provider = services.BuildServiceProvider();
        // Building the provider and the catalog must not construct the encoder.
        _ = provider.GetRequiredService<ComponentCatalog>().Names(ComponentKind.SemanticEncoder);
        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ComponentCatalog>().SemanticEncoder("heavy"));
    }

    private sealed class ThrowingEncoder : LlmCfsr.Encoders.ISemanticEncoder
    {
        public ThrowingEncoder() => throw new InvalidOperationException("constructed");
        public string ModelId => "";
        public int Dimension => 0;
        public int MaxTokens => 0;
        public TorchSharp.torch.Device Device => TorchSharp.torch.CPU;
        public TorchSharp.torch.ScalarType DType => TorchSharp.torch.ScalarType.Float32;
        public LlmCfsr.Encoders.EmbeddingPooling Pooling => LlmCfsr.Encoders.EmbeddingPooling.Mean;
        public string Fingerprint => "";
        public TorchSharp.torch.Tensor Encode(IReadOnlyList<string> texts, LlmCfsr.Encoders.SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public void Dispose() { }
    }
}
