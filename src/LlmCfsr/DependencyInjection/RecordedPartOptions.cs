using System.Text.Json;
using LlmCfsr.Models;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>
/// Sets the properties a run recorded for <typeparamref name="TOptions"/> after every other configuration step, so the
/// part is built as it was trained; validation then runs as usual. Properties the run predates keep their value.
/// </summary>
internal sealed class RecordedPartOptions<TOptions>(JsonElement recorded) : IPostConfigureOptions<TOptions>
    where TOptions : class
{
    public void PostConfigure(string? name, TOptions options)
    {
        if (name != Options.DefaultName)
        {
            return;
        }
        var properties = typeof(TOptions).GetProperties().Where(p => p.CanRead && p.CanWrite).ToList();
        foreach (var value in recorded.EnumerateObject())
        {
            var property = properties.Find(p => string.Equals(p.Name, value.Name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                throw new InvalidDataException($"recorded options of {typeof(TOptions).Name}: '{value.Name}' is not one of its settings.");
            }
            try
            {
                property.SetValue(options, value.Value.Deserialize(property.PropertyType, RecommenderModels.SerializerOptions));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"recorded options of {typeof(TOptions).Name}: '{value.Name}' does not fit {property.PropertyType.Name}: {e.Message}", e);
            }
        }
    }
}
