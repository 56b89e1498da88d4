using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Rebuilds a run's parts with the options the run recorded.</summary>
public static class RecordedPartOptionsBuilderExtensions
{
    /// <summary>
    /// Configures every part registered so far (backbones, losses, encoders, ...) with the options <paramref name="run"/>
    /// recorded for it (<see cref="RunManifest.PartOptions"/>, or the configuration keys of formats 1 and 2), after any
    /// other configuration; the usual validation still applies. Call it after registering the parts.
    /// </summary>
    /// <exception cref="InvalidDataException">A recorded value does not fit its options; the message names it.</exception>
    public static ILlmCfsrBuilder ConfigurePartsAsRecorded(this ILlmCfsrBuilder builder, RunManifest run)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(run);
        var registrations = builder.Services
            .Where(d => d.ServiceType == typeof(OptionsRegistration) && d.ImplementationInstance is OptionsRegistration)
            .Select(d => (OptionsRegistration)d.ImplementationInstance!)
            .ToList();
        var recorded = run.RecordedPartOptions(registrations);
        foreach (var registration in registrations)
        {
            if (recorded.TryGetValue(registration.SectionPath, out var values))
            {
                var step = Activator.CreateInstance(typeof(RecordedPartOptions<>).MakeGenericType(registration.OptionsType), values)!;
                builder.Services.AddSingleton(typeof(IPostConfigureOptions<>).MakeGenericType(registration.OptionsType), step);
            }
        }
        return builder;
    }
}
