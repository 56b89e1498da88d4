using System.Globalization;
using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Training;

/// <summary>
/// Captures the bound options of every registered part (backbones, losses, ...) as configuration keys, so a
/// run records its full configuration and <c>llmcfsr evaluate</c> rebuilds the model with the same settings by
/// adding them back as configuration.
/// </summary>
internal static class ConfigurationSnapshot
{
    /// <summary>Section path + ":" + property -> invariant text, for every simple property of every registered options type but the root one.</summary>
    public static IReadOnlyDictionary<string, string?> Capture(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var registration in services.GetServices<OptionsRegistration>())
        {
            // The root options (device, seed, part names) are superseded by the training options.
            if (registration.OptionsType == typeof(LlmCfsrOptions))
            {
                continue;
            }
            var accessor = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(registration.OptionsType));
            var value = accessor.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(accessor)!;
            foreach (var property in registration.OptionsType.GetProperties())
            {
                var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
                if (property.CanRead && property.CanWrite && (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)))
                {
                    values[$"{registration.SectionPath}:{property.Name}"] = Convert.ToString(property.GetValue(value), CultureInfo.InvariantCulture);
                }
            }
        }
        return values;
    }
}
