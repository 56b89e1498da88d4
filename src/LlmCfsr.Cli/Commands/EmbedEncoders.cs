using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// The semantic encoders the CLI offers, resolved by name through the <see cref="ComponentCatalog"/>.
/// Encoder plugins add themselves here with one call each; their options bind from
/// "LlmCfsr:Encoders:&lt;Name&gt;" (ModelPath, AdapterPath, Device, ...), which the commands fill from their flags.
/// </summary>
internal static class EmbedEncoders
{
    /// <summary>The encoder used when none is named: the offline all-MiniLM-L6-v2.</summary>
    public const string DefaultEncoder = MiniLmBuilderExtensions.EncoderName;

    /// <summary>Builds a service provider with every encoder plugin the CLI ships, configured by <paramref name="settings"/>.</summary>
    public static ServiceProvider BuildServices(IReadOnlyDictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLlmCfsr()
            .AddMiniLmEncoder()
            .AddBertEncoder()
            .AddLlama2Encoder()
            .AddQwen25Encoder();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
