using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Backbones.Tests;

/// <summary>The SDK with the three backbones and the standard losses, as an application would register them.</summary>
internal static class TestServices
{
    public static ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());
        services.AddLlmCfsr().AddSasRec().AddGru4Rec().AddBert4Rec().AddStandardRankingLosses();
        return services.BuildServiceProvider();
    }
}
