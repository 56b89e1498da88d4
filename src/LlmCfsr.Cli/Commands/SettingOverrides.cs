using System.CommandLine;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// The repeatable <c>--set KEY=VALUE</c> of <c>train</c> and <c>compare</c>: configuration keys of the registered
/// parts' and models' options (<c>LlmCfsr:Losses:BprNegatives=8</c>, <c>LlmCfsr:Models:llm-cfsr:PositionsBeforeFusion=true</c>),
/// given to the SDK as the <c>IConfiguration</c> a host would register, so the options bind, validate and are recorded
/// in <c>run.json</c> exactly as a library user's configuration is. Every key must name a setting of a registered
/// options type and every value must convert to it; both are checked before anything trains.
/// </summary>
internal static class SettingOverrides
{
    /// <summary>The option.</summary>
    public static Option<string[]> Create() => new("--set")
    {
        Description = "Setting of a part or model as KEY=VALUE, repeatable: the library's configuration keys, e.g. LlmCfsr:Losses:BprNegatives=8 or LlmCfsr:Models:llm-cfsr:Heads=1 (docs/training.md, \"Settings from the command line\").",
        Arity = ArgumentArity.ZeroOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    /// <summary>The KEY=VALUE pairs as configuration entries (a key given twice keeps its last value).</summary>
    /// <exception cref="ArgumentException">An entry is not KEY=VALUE with a key under "LlmCfsr:".</exception>
    public static IReadOnlyDictionary<string, string?> Parse(IEnumerable<string>? entries)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries ?? [])
        {
            int equals = entry.IndexOf('=', StringComparison.Ordinal);
            string key = equals < 0 ? "" : entry[..equals].Trim();
            if (key.Length == 0)
            {
                throw new ArgumentException($"--set '{entry}': expected KEY=VALUE, e.g. LlmCfsr:Losses:BprNegatives=8.");
            }
            if (!key.StartsWith(LlmCfsrBuilderExtensions.RootSection + ":", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"--set {key}: keys start with '{LlmCfsrBuilderExtensions.RootSection}:' (e.g. LlmCfsr:Losses:BprNegatives).");
            }
            settings[key] = entry[(equals + 1)..].Trim();
        }
        return settings;
    }

    /// <summary>
    /// Checks every key against the options registered in <paramref name="services"/>: a section of a part's options, the
    /// settings every model shares ("LlmCfsr:Models:KEY", a setting of at least one model) or one model's
    /// ("LlmCfsr:Models:NAME:KEY"), and that each value converts to the setting's type.
    /// </summary>
    /// <exception cref="ArgumentException">The first key that names no setting, or whose value does not convert; the message names both.</exception>
    public static void Check(IServiceProvider services, IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        var parts = services.GetServices<OptionsRegistration>().ToList();
        var models = services.GetServices<ComponentRegistration>().Where(r => r.Kind == ComponentKind.Model)
            .ToDictionary(r => r.Name, r => r.ImplementationType, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in settings)
        {
            var (types, path) = Target(key, parts, models);
            var matches = types.Select(type => Setting(type, path)).Where(p => p is not null).Select(p => p!).ToList();
            if (matches.Count == 0)
            {
                var known = types.SelectMany(Settable).Select(p => p.Name).Distinct().Order(StringComparer.Ordinal);
                throw new ArgumentException($"--set {key}: no such setting; settings there: {string.Join(", ", known)}.");
            }
            foreach (var property in matches)
            {
                CheckValue(key, value, property.PropertyType);
            }
        }
    }

    private static (IReadOnlyList<Type> Types, string[] Path) Target(string key, List<OptionsRegistration> parts, Dictionary<string, Type> models)
    {
        string modelsPrefix = RecommenderModelOptions.Section + ":";
        if (key.StartsWith(modelsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            var rest = key[modelsPrefix.Length..].Split(':');
            if (rest.Length > 1 && models.TryGetValue(rest[0], out var type))
            {
                return ([type], rest[1..]);
            }
            var shared = models.Values.Distinct().ToList();
            // "LlmCfsr:Models:NAME:KEY" with a NAME that is neither a model nor a shared setting: a misspelt model.
            if (rest.Length > 1 && shared.All(t => Setting(t, rest[..1]) is null))
            {
                throw new ArgumentException($"--set {key}: no registered model '{rest[0]}'; models: {string.Join(", ", models.Keys.Order(StringComparer.Ordinal))}.");
            }
            return (shared, rest);
        }
        var part = parts.Where(p => key.StartsWith(p.SectionPath + ":", StringComparison.OrdinalIgnoreCase))
            .MaxBy(p => p.SectionPath.Length);
        var path = part is null ? [] : key[(part.SectionPath.Length + 1)..].Split(':');
        // A key below a section no part registered (e.g. "LlmCfsr:Nowhere:Key" under the root's options) names a section.
        if (part is null || (path.Length > 1 && Setting(part.OptionsType, path[..1]) is null))
        {
            var sections = parts.Select(p => p.SectionPath).Append(RecommenderModelOptions.Section).Order(StringComparer.Ordinal);
            throw new ArgumentException($"--set {key}: no registered options under that section; sections: {string.Join(", ", sections)}.");
        }
        return ([part.OptionsType], path);
    }

    // Configuration binds public properties with a setter, by name without regard to case, nested through sections.
    private static PropertyInfo? Setting(Type type, string[] path)
    {
        PropertyInfo? property = null;
        foreach (var name in path)
        {
            property = Settable(type).FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return null;
            }
            type = property.PropertyType;
        }
        return property;
    }

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    private static void CheckValue(string key, string? value, Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (string.IsNullOrEmpty(value) && (Nullable.GetUnderlyingType(type) is not null || !target.IsValueType))
        {
            return;
        }
        var converter = TypeDescriptor.GetConverter(target);
        bool converts;
        try
        {
            converts = converter.CanConvertFrom(typeof(string)) && converter.ConvertFromInvariantString(value!) is not null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException || e.InnerException is FormatException or OverflowException)
        {
            converts = false;
        }
        if (!converts)
        {
            string expected = target.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(target))}" : $"a {target.Name}";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"--set {key}={value}: the value must be {expected}."));
        }
    }
}
