using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers recommendation models by name.</summary>
public static class RecommenderModelBuilderExtensions
{
    /// <summary>Registers a model factory under <paramref name="name"/> (kind <see cref="ComponentKind.Model"/>).</summary>
    public static ILlmCfsrBuilder AddRecommenderModel<TFactory>(this ILlmCfsrBuilder builder, string name)
        where TFactory : class, IRecommenderModelFactory
        => builder.AddComponent<IRecommenderModelFactory, TFactory>(ComponentKind.Model, name);

    /// <summary>Registers the id-only baseline over the backbone registered as <paramref name="backbone"/>, as model <paramref name="backbone"/>.</summary>
    public static ILlmCfsrBuilder AddIdOnlyRecommender(this ILlmCfsrBuilder builder, string backbone)
        => builder.AddRecommenderModel<IdOnlyRecommenderFactory>(backbone);

    /// <summary>The model factory registered as <paramref name="name"/>; the error lists the registered models.</summary>
    public static IRecommenderModelFactory RecommenderModel(this ComponentCatalog catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Resolve<IRecommenderModelFactory>(ComponentKind.Model, name);
    }
}
