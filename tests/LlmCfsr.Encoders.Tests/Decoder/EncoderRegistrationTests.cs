using LlmCfsr.DependencyInjection;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Encoders.Qwen25;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class EncoderRegistrationTests
{
    [Fact]
    public void Llama2_encoder_registers_by_name_and_loads_lazily()
    {
        var missing = Path.Combine(TestModels.TempFolder(), "not-there");
        using var provider = Services(b => b.AddLlama2Encoder(o => o.ModelPath = missing));

        // Resolving must not touch the disk: the folder does not exist.
        var encoder = provider.GetRequiredKeyedService<ISemanticEncoder>("llama2");
        Assert.IsType<Llama2SemanticEncoder>(encoder);
        Assert.Throws<FileNotFoundException>(() => encoder.Encode(new[] { "x" }));
    }

    [Fact]
    public void Qwen25_encoder_registers_by_name()
    {
        using var provider = Services(b => b.AddQwen25Encoder(o => o.ModelPath = "unused"));
        Assert.IsType<Qwen25SemanticEncoder>(provider.GetRequiredKeyedService<ISemanticEncoder>("qwen25"));
    }

    [Fact]
    public void Invalid_options_fail_validation_with_clear_messages()
    {
        using var provider = Services(b => b.AddLlama2Encoder(o => { o.ModelPath = ""; o.DType = "int8"; o.MaxTokens = 0; }));
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<Llama2EncoderOptions>>().Value);
        Assert.Contains("ModelPath is required", error.Message);
        Assert.Contains("Unknown dtype 'int8'", error.Message);
        Assert.Contains("MaxTokens must be positive", error.Message);
    }

    [Fact]
    public void Stories260K_encoder_embeds_in_batches_like_one_by_one()
    {
        using var encoder = new Llama2SemanticEncoder(new Llama2EncoderOptions { ModelPath = TestModels.Stories260K, MaxTokens = 16 });
        var texts = new[] { "Lily saw a big red ball in the park.", "A cat.", "Once upon a time there was a little boy named Tom who liked to run.", "" };

        using var batched = encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = 3, Normalize = true });

        Assert.Equal(new long[] { 4, 64 }, batched.shape);
        Assert.Equal(64, encoder.Dimension);
        for (int i = 0; i < texts.Length; i++)
        {
            using var alone = encoder.Encode(new[] { texts[i] }, new SemanticEncodingOptions { Normalize = true });
            Assert.True(batched[i].allclose(alone[0], rtol: 1e-4, atol: 1e-5), $"text {i} differs between batched and single encoding");
        }
        Assert.True(batched.norm(1).allclose(torch.ones(4), rtol: 1e-5, atol: 1e-5));
        Assert.Equal(16, encoder.TokenizeTruncated(texts[2]).Length);
        Assert.Contains("pooling=Mean", encoder.Fingerprint);
        Assert.Contains("adapter=none", encoder.Fingerprint);
    }

    private static ServiceProvider Services(Action<ILlmCfsrBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        configure(services.AddLlmCfsr());
        return services.BuildServiceProvider();
    }
}
