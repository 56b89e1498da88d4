using LlmCfsr.Encoders;
using LlmCfsr.Fusion;
using LlmCfsr.Losses;
using LlmCfsr.Sequences;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registration helpers plugin authors call from their own <c>Add*</c> extension methods.</summary>
public static class LlmCfsrBuilderExtensions
{
    /// <summary>The root configuration section of the SDK.</summary>
    public const string RootSection = "LlmCfsr";

    /// <summary>Registers a backbone factory under <paramref name="name"/> (first registration of a name wins).</summary>
    public static ILlmCfsrBuilder AddSequenceEncoder<TFactory>(this ILlmCfsrBuilder builder, string name)
        where TFactory : class, ISequenceEncoderFactory
        => builder.AddComponent<ISequenceEncoderFactory, TFactory>(ComponentKind.SequenceEncoder, name);

    /// <summary>Registers a fusion factory under <paramref name="name"/>.</summary>
    public static ILlmCfsrBuilder AddFusion<TFactory>(this ILlmCfsrBuilder builder, string name)
        where TFactory : class, IFusionFactory
        => builder.AddComponent<IFusionFactory, TFactory>(ComponentKind.Fusion, name);

    /// <summary>Registers a ranking loss under <paramref name="name"/>.</summary>
    public static ILlmCfsrBuilder AddRankingLoss<TLoss>(this ILlmCfsrBuilder builder, string name)
        where TLoss : class, IRankingLoss
        => builder.AddComponent<IRankingLoss, TLoss>(ComponentKind.RankingLoss, name);

    /// <summary>
    /// Registers a semantic encoder under <paramref name="name"/>. It is a singleton created on first
    /// resolution; its constructor must not load weights (load them on first <see cref="ISemanticEncoder.Encode"/>).
    /// </summary>
    public static ILlmCfsrBuilder AddSemanticEncoder<TEncoder>(this ILlmCfsrBuilder builder, string name)
        where TEncoder : class, ISemanticEncoder
        => builder.AddComponent<ISemanticEncoder, TEncoder>(ComponentKind.SemanticEncoder, name);

    /// <summary>Registers <typeparamref name="TImplementation"/> as a keyed singleton <typeparamref name="TService"/> and records it.</summary>
    public static ILlmCfsrBuilder AddComponent<TService, TImplementation>(this ILlmCfsrBuilder builder, ComponentKind kind, string name)
        where TService : class
        where TImplementation : class, TService
    {
        ArgumentNullException.ThrowIfNull(builder);
        var key = ComponentRegistration.NormalizeName(name);
        if (builder.Services.Any(d => d.ServiceType == typeof(TService) && d.IsKeyedService && Equals(d.ServiceKey, key)))
        {
            return builder;
        }
        builder.Services.AddKeyedSingleton<TService, TImplementation>(key);
        builder.Services.AddSingleton(new ComponentRegistration(kind, key, typeof(TImplementation)));
        return builder;
    }

    /// <summary>
    /// Adds options bound from configuration section <paramref name="sectionPath"/> of the registered
    /// <see cref="IConfiguration"/> (if any), applies <paramref name="configure"/> after binding, validates with
    /// <typeparamref name="TValidator"/>, and records the type so <c>Validate()</c> checks it.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(
        this ILlmCfsrBuilder builder, string sectionPath, Action<TOptions>? configure = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<TOptions>();
        // Bind when the host registered an IConfiguration; console apps without one simply keep the defaults.
        builder.Services.AddSingleton<IConfigureOptions<TOptions>>(services => new ConfigureNamedOptions<TOptions>(
            Options.DefaultName, target => services.GetService<IConfiguration>()?.GetSection(sectionPath).Bind(target)));
        if (configure is not null)
        {
            options.Configure(configure);
        }
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        if (!builder.Services.Any(d => d.ServiceType == typeof(OptionsRegistration) && d.ImplementationInstance is OptionsRegistration r && r.OptionsType == typeof(TOptions)))
        {
            builder.Services.AddSingleton(new OptionsRegistration(typeof(TOptions), sectionPath));
        }
        return options;
    }
}
