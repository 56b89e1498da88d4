using LlmCfsr.Models;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers recommendation models by name.</summary>
public static class RecommenderModelBuilderExtensions
{
    /// <summary>Registers a model factory under <paramref name="name"/> (kind <see cref="ComponentKind.Model"/>).</summary>
    public static ILlmCfsrBuilder AddRecommenderModel<TFactory>(this ILlmCfsrBuilder builder, string name)
        where TFactory : class, IRecommenderModelFactory
        => builder.AddComponent<IRecommenderModelFactory, TFactory>(ComponentKind.Model, name);

    /// <summary>
    /// Registers the model factory <paramref name="create"/> makes (once, from the application's services) under
    /// <paramref name="name"/>: for factories configured per registration, e.g. one class serving several variants.
    /// </summary>
    public static ILlmCfsrBuilder AddRecommenderModel<TFactory>(this ILlmCfsrBuilder builder, string name, Func<IServiceProvider, TFactory> create)
        where TFactory : class, IRecommenderModelFactory
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        var key = ComponentRegistration.NormalizeName(name);
        if (!builder.Services.Any(d => d.ServiceType == typeof(IRecommenderModelFactory) && d.IsKeyedService && Equals(d.ServiceKey, key)))
        {
            builder.Services.AddKeyedSingleton<IRecommenderModelFactory>(key, (services, _) => create(services));
            builder.Services.AddSingleton(new ComponentRegistration(ComponentKind.Model, key, typeof(TFactory)));
        }
        return builder;
    }

    /// <summary>
    /// Registers a model by its creation function under <paramref name="name"/>: the model class and its options are
    /// all a new method needs (docs/architecture.md "Add a model"). <paramref name="inputs"/> are checked before
    /// training; <paramref name="teacher"/> names the id-only model a <see cref="ModelInput.TeacherRun"/> must hold.
    /// </summary>
    public static ILlmCfsrBuilder AddRecommenderModel(this ILlmCfsrBuilder builder, string name, ModelInput inputs,
        Func<RecommenderModelContext, SequentialRecommender> create, string? teacher = null)
    {
        ArgumentNullException.ThrowIfNull(create);
        return builder.AddRecommenderModel(name, _ => new DelegateRecommenderModelFactory(ComponentRegistration.NormalizeName(name), inputs, teacher, create));
    }

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
