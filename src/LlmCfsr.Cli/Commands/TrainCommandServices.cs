using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// The services <c>train</c> and <c>evaluate</c> share: the SDK with the three backbones, the standard losses,
/// the fusions and the LLM-enhanced models.
/// </summary>
internal static class TrainCommandServices
{
    /// <summary>
    /// Builds the provider; <paramref name="configuration"/> (e.g. a run's recorded part options) binds the
    /// parts' options, and every options type is validated.
    /// </summary>
    public static ServiceProvider Build(IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build());
        services.AddLlmCfsr()
            .AddSasRec()
            .AddGru4Rec()
            .AddBert4Rec()
            .AddStandardRankingLosses()
            .AddCrossAttentionFusion()
            .AddLlmEnhancedRecommenders()
            .AddLongTailRecommenders();
        var provider = services.BuildServiceProvider();
        provider.ValidateLlmCfsrOptions();
        return provider;
    }
}
