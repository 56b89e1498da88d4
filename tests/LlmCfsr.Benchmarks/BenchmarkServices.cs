using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Benchmarks;

/// <summary>The SDK as an application registers it: the three backbones, the losses, the fusions and the LLM-enhanced models.</summary>
internal static class BenchmarkServices
{
    public static ServiceProvider Build()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLlmCfsr()
            .AddSasRec()
            .AddGru4Rec()
            .AddBert4Rec()
            .AddCrossAttentionFusion()
            .AddLlmEnhancedRecommenders()
            .AddStandardRankingLosses();
        var provider = services.BuildServiceProvider();
        provider.ValidateLlmCfsrOptions();
        return provider;
    }
}
