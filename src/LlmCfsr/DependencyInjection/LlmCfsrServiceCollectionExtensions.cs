using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmCfsr.DependencyInjection;

/// <summary>Entry point of the SDK's dependency-injection registration.</summary>
public static class LlmCfsrServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SDK core: the options, the <see cref="ComponentCatalog"/> of named parts, the
    /// <see cref="RecommenderTrainer"/> and the <see cref="Comparison.ComparisonRunner"/>. Settings bind from the "LlmCfsr" configuration section (when an
    /// <c>IConfiguration</c> is registered), then <paramref name="configure"/> runs. Add parts with the
    /// extension methods on the returned builder (all in this namespace), e.g.
    /// <c>.AddSasRec().AddStandardRankingLosses().AddIdOnlyRecommender("sasrec")</c>.
    /// Nothing heavy is loaded here; if libtorch is not loaded yet, its OpenMP wait policy is set to passive
    /// (see <see cref="Runtime.TorchThreadPolicy"/>), and on glibc the malloc thresholds are set for tensors
    /// (see <see cref="Runtime.NativeAllocatorPolicy"/>; LLMCFSR_MALLOC=default keeps glibc's).
    /// </summary>
    /// <exception cref="ArgumentException">LLMCFSR_MALLOC is neither 'tuned' nor 'default'.</exception>
    public static ILlmCfsrBuilder AddLlmCfsr(this IServiceCollection services, Action<LlmCfsrOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        Runtime.TorchThreadPolicy.PrepareWaitPolicy();
        Runtime.NativeAllocatorPolicy.Prepare();
        var builder = new LlmCfsrBuilder(services);
        builder.AddValidatedOptions<LlmCfsrOptions, LlmCfsrOptionsValidator>(LlmCfsrBuilderExtensions.RootSection, configure);
        services.TryAddSingleton<ComponentCatalog>();
        services.TryAddTransient<RecommenderTrainer>();
        services.TryAddTransient<Comparison.ComparisonRunner>();
        return builder;
    }
}
