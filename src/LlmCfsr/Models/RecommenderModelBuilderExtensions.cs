using LlmCfsr.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers recommendation models by name.</summary>
public static class RecommenderModelBuilderExtensions
{
    /// <summary>
    /// Registers a model under <paramref name="name"/>: its options type, the registration's <paramref name="defaults"/> and how to
    /// build it (docs/architecture.md "Add a model"). The options are named options of the registration: the type's defaults,
    /// bound from configuration section "LlmCfsr:Models" (settings the models share) when the host has an
    /// <see cref="IConfiguration"/>, then <paramref name="defaults"/>, then section "LlmCfsr:Models:NAME", then any
    /// <c>services.Configure&lt;TOptions&gt;(name, ...)</c>. The first registration of a name wins.
    /// </summary>
    public static ILlmCfsrBuilder AddRecommenderModel<TOptions>(this ILlmCfsrBuilder builder, string name,
        Func<TOptions, RecommenderModelInputs, ComponentCatalog, SequentialRecommender> create, Action<TOptions>? defaults = null)
        where TOptions : RecommenderModelOptions, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(create);
        var key = ComponentRegistration.NormalizeName(name);
        if (builder.Services.Any(d => d.ServiceType == typeof(IRecommenderModelFactory) && d.IsKeyedService && Equals(d.ServiceKey, key)))
        {
            return builder;
        }
        builder.Services.AddOptions<TOptions>(key).Configure<IServiceProvider>((options, services) =>
        {
            // The registration's own defaults (an ablation's switch) come after the settings every model shares.
            var configuration = services.GetService<IConfiguration>();
            configuration?.GetSection(RecommenderModelOptions.Section).Bind(options);
            defaults?.Invoke(options);
            configuration?.GetSection(RecommenderModelOptions.SectionOf(key)).Bind(options);
        });
        builder.Services.AddKeyedSingleton<IRecommenderModelFactory>(key, (services, _) =>
            new RecommenderModelFactory<TOptions>(key, services.GetRequiredService<IOptionsMonitor<TOptions>>().Get(key), create));
        builder.Services.AddSingleton(new ComponentRegistration(ComponentKind.Model, key, typeof(TOptions)));
        return builder;
    }

    /// <summary>Registers the id-only baseline over the backbone registered as <paramref name="backbone"/>, as model <paramref name="backbone"/>.</summary>
    public static ILlmCfsrBuilder AddIdOnlyRecommender(this ILlmCfsrBuilder builder, string backbone)
    {
        var name = ComponentRegistration.NormalizeName(backbone);
        return builder.AddRecommenderModel<IdOnlyModelOptions>(name, (_, inputs, components) => IdOnlyRecommender.Create(name, name, inputs, components));
    }

    /// <summary>The model registered as <paramref name="name"/>; the error lists the registered models.</summary>
    public static IRecommenderModelFactory RecommenderModel(this ComponentCatalog catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return catalog.Resolve<IRecommenderModelFactory>(ComponentKind.Model, name);
    }
}
