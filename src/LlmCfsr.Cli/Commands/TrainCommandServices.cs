using LlmCfsr.DependencyInjection;
using LlmCfsr.Training;
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
    /// Builds the provider with the parts' default options changed by <paramref name="settings"/> (<c>--set</c>, the
    /// configuration keys a host would give), or with the options <paramref name="run"/> recorded for them; the settings'
    /// keys and values are checked and every options type is validated.
    /// </summary>
    public static ServiceProvider Build(RunManifest? run = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var services = new ServiceCollection();
        if (settings is { Count: > 0 })
        {
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        }
        var builder = services.AddLlmCfsr()
            .AddSasRec()
            .AddGru4Rec()
            .AddBert4Rec()
            .AddStandardRankingLosses()
            .AddCrossAttentionFusion()
            .AddLlmEnhancedRecommenders()
            .AddLongTailRecommenders();
        if (run is not null)
        {
            builder.ConfigurePartsAsRecorded(run);
        }
        var provider = services.BuildServiceProvider();
        try
        {
            SettingOverrides.Check(provider, settings ?? new Dictionary<string, string?>());
            provider.ValidateLlmCfsrOptions();
        }
        catch
        {
            provider.Dispose();
            throw;
        }
        return provider;
    }
}
