using LlmCfsr.Recommendation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registration of recommenders served from model bundles.</summary>
public static class RecommenderBundleBuilderExtensions
{
    /// <summary>
    /// Registers the bundle in <paramref name="bundlePath"/> as the keyed singletons <see cref="IRecommender"/> and
    /// <see cref="RecommenderBundle"/> named <paramref name="name"/> (first registration of a name wins). The bundle is
    /// loaded on first resolution (<see cref="RecommenderBundle.Load"/>, with the parts registered on this builder),
    /// indexed by the registered item index <paramref name="itemIndex"/> (exact when null), and disposed with the provider.
    /// </summary>
    public static ILlmCfsrBuilder AddRecommender(this ILlmCfsrBuilder builder, string name, string bundlePath, string? itemIndex = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(bundlePath);
        builder.Services.TryAddKeyedSingleton(name, (services, _) => RecommenderBundle.Load(
            bundlePath, services, itemIndex is null ? null : services.GetRequiredService<ComponentCatalog>().ItemIndex(itemIndex)));
        builder.Services.TryAddKeyedSingleton<IRecommender>(name, (services, key) => services.GetRequiredKeyedService<RecommenderBundle>(key));
        return builder;
    }
}
