using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Training;

/// <summary>
/// The bound options of every registered part (backbones, losses, encoders, ...) as they are: one JSON object per
/// options section, written with the model options' JSON settings (<see cref="RecommenderModels.Serialize"/>). A run
/// records them (<see cref="RunManifest.PartOptions"/>) and a later process applies them back to the same typed options
/// (<see cref="RecordedPartOptionsBuilderExtensions.ConfigurePartsAsRecorded"/>).
/// </summary>
internal static class PartOptionsSnapshot
{
    /// <summary>Section path -> the options' JSON object, for every registered options type but the root one.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Capture(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var values = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var registration in Parts(services.GetServices<OptionsRegistration>()))
        {
            var accessor = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(registration.OptionsType));
            var value = accessor.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(accessor)!;
            values[registration.SectionPath] = JsonSerializer.SerializeToElement(value, registration.OptionsType, RecommenderModels.SerializerOptions);
        }
        return values;
    }

    /// <summary>
    /// The typed form of the flat "section:property" keys run.json formats 1 and 2 recorded: for each registered part,
    /// the properties its section has keys for (settings the run predates stay absent).
    /// </summary>
    /// <exception cref="InvalidDataException">A recorded value does not fit its property; the message names the key.</exception>
    public static IReadOnlyDictionary<string, JsonElement> FromConfigurationKeys(IReadOnlyDictionary<string, string?> keys, IEnumerable<OptionsRegistration> registrations)
    {
        var values = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var registration in Parts(registrations))
        {
            var json = new JsonObject();
            foreach (var property in registration.OptionsType.GetProperties().Where(p => p.CanRead && p.CanWrite))
            {
                string key = $"{registration.SectionPath}:{property.Name}";
                if (keys.TryGetValue(key, out var text) && text is not null)
                {
                    json[NameOf(property)] = JsonSerializer.SerializeToNode(Parse(key, text, property.PropertyType), property.PropertyType, RecommenderModels.SerializerOptions);
                }
            }
            if (json.Count > 0)
            {
                values[registration.SectionPath] = JsonSerializer.SerializeToElement(json, RecommenderModels.SerializerOptions);
            }
        }
        return values;
    }

    /// <summary>The default-constructed options of every registered part, in the form of <see cref="Capture"/>.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Defaults(IEnumerable<OptionsRegistration> registrations)
        => Parts(registrations).ToDictionary(
            registration => registration.SectionPath,
            registration => JsonSerializer.SerializeToElement(Activator.CreateInstance(registration.OptionsType), registration.OptionsType, RecommenderModels.SerializerOptions),
            StringComparer.Ordinal);

    /// <summary>
    /// The settings that differ between <paramref name="recorded"/> and <paramref name="current"/>, as
    /// "Section:Property: run value, now value" lines. A setting the run predates (its section recorded, the setting
    /// not) counts as its default in <paramref name="defaults"/>, the behaviour every setting added later keeps by
    /// default; sections only one side has are not compared.
    /// </summary>
    public static IReadOnlyList<string> Differences(IReadOnlyDictionary<string, JsonElement> recorded, IReadOnlyDictionary<string, JsonElement> current,
        IReadOnlyDictionary<string, JsonElement> defaults)
    {
        var differences = new List<string>();
        foreach (var (section, run) in recorded.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            if (!current.TryGetValue(section, out var now) || run.ValueKind != JsonValueKind.Object || now.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var property in run.EnumerateObject())
            {
                if (now.TryGetProperty(property.Name, out var value) && !JsonElement.DeepEquals(property.Value, value))
                {
                    differences.Add($"{section}:{Pascal(property.Name)}: run {property.Value.GetRawText()}, now {value.GetRawText()}");
                }
            }
            if (!defaults.TryGetValue(section, out var fallback) || fallback.ValueKind != JsonValueKind.Object)
            {
                continue;
            }
            foreach (var property in now.EnumerateObject().Where(p => !run.TryGetProperty(p.Name, out _)))
            {
                if (fallback.TryGetProperty(property.Name, out var predated) && !JsonElement.DeepEquals(predated, property.Value))
                {
                    differences.Add($"{section}:{Pascal(property.Name)}: run {predated.GetRawText()} (the default; the run predates the setting), now {property.Value.GetRawText()}");
                }
            }
        }
        return differences;
    }

    /// <summary>The registrations a run records: every part's, not the root options (device, seed), which the training options supersede.</summary>
    private static IEnumerable<OptionsRegistration> Parts(IEnumerable<OptionsRegistration> registrations)
        => registrations.Where(registration => registration.OptionsType != typeof(LlmCfsrOptions));

    private static string NameOf(PropertyInfo property)
        => RecommenderModels.SerializerOptions.PropertyNamingPolicy?.ConvertName(property.Name) ?? property.Name;

    private static string Pascal(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static object Parse(string key, string text, Type propertyType)
    {
        var type = Nullable.GetUnderlyingType(propertyType) ?? propertyType;
        try
        {
            return type.IsEnum ? Enum.Parse(type, text, ignoreCase: true) : Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
        {
            throw new InvalidDataException($"configuration key '{key}': '{text}' is not a valid {type.Name}.", e);
        }
    }
}
