using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Models.Tests;

/// <summary>The SDK with the backbones, losses, fusions, LLM-enhanced models and MiniLM, as an application registers them.</summary>
internal static class TestServices
{
    public static ServiceProvider Build(params (string Key, string? Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());
        services.AddLlmCfsr()
            .AddSasRec().AddGru4Rec().AddBert4Rec()
            .AddStandardRankingLosses()
            .AddCrossAttentionFusion()
            .AddLlmEnhancedRecommenders()
            .AddLongTailRecommenders()
            .AddMiniLmEncoder();
        return services.BuildServiceProvider();
    }
}
