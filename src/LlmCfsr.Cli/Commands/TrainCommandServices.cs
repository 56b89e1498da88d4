using LlmCfsr.DependencyInjection;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// The services <c>train</c> and <c>evaluate</c> share: the SDK with the three backbones, the standard losses,
/// the fusions and the LLM-enhanced models.
/// </summary>
internal static class TrainCommandServices
{
    /// <summary>
    /// Builds the provider with the parts' default options, or with the options <paramref name="run"/> recorded for
    /// them; every options type is validated.
    /// </summary>
    public static ServiceProvider Build(RunManifest? run = null)
    {
        var services = new ServiceCollection();
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
        provider.ValidateLlmCfsrOptions();
        return provider;
    }
}
