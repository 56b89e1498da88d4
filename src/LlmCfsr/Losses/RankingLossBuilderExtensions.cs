using LlmCfsr.Losses;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds the standard ranking losses.</summary>
public static class RankingLossBuilderExtensions
{
    /// <summary>
    /// Registers "bce", "bpr", "ce" and "sampled-softmax"; negative counts bind from "LlmCfsr:Losses", then
    /// <paramref name="configure"/> runs.
    /// </summary>
    public static ILlmCfsrBuilder AddStandardRankingLosses(this ILlmCfsrBuilder builder, Action<RankingLossOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<RankingLossOptions, RankingLossOptionsValidator>(RankingLossOptions.Section, configure);
        return builder
            .AddRankingLoss<BinaryCrossEntropyLoss>("bce")
            .AddRankingLoss<BprLoss>("bpr")
            .AddRankingLoss<SoftmaxCrossEntropyLoss>("ce")
            .AddRankingLoss<SampledSoftmaxLoss>("sampled-softmax");
    }
}
