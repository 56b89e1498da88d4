using LlmCfsr.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Validation for hosts that have no <c>ValidateOnStart</c> (console apps, tools, tests).</summary>
public static class LlmCfsrBuilderValidation
{
    /// <summary>
    /// Validates every options type the SDK and its plugins registered, using a temporary service
    /// provider, and throws one <see cref="OptionsValidationException"/> listing all failures.
    /// Returns the builder so calls chain.
    /// </summary>
    public static ILlmCfsrBuilder Validate(this ILlmCfsrBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        using var provider = builder.Services.BuildServiceProvider();
        provider.ValidateLlmCfsrOptions();
        return builder;
    }

    /// <summary>Validates every registered SDK options type and every model's options in <paramref name="provider"/>; throws one exception listing all failures.</summary>
    public static void ValidateLlmCfsrOptions(this IServiceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var failures = new List<string>();
        foreach (var registration in provider.GetServices<OptionsRegistration>())
        {
            var accessor = provider.GetRequiredService(typeof(IOptions<>).MakeGenericType(registration.OptionsType));
            try
            {
                _ = accessor.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(accessor);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is OptionsValidationException invalid)
            {
                failures.AddRange(invalid.Failures.Select(f => $"[{registration.SectionPath}] {f}"));
            }
        }
        foreach (var model in provider.GetServices<ComponentRegistration>().Where(r => r.Kind == ComponentKind.Model))
        {
            var factory = provider.GetRequiredKeyedService<IRecommenderModelFactory>(model.Name);
            failures.AddRange(factory.Options.Validate(RecommenderModelOptions.SectionOf(model.Name)));
        }
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(nameof(LlmCfsr), typeof(LlmCfsrOptions), failures);
        }
    }
}
