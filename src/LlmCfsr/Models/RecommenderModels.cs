using System.Text.Json;
using LlmCfsr.DependencyInjection;

namespace LlmCfsr.Models;

/// <summary>
/// Builds registered models from their typed options and inputs, without services or a dataset: what a saved run,
/// <c>compare</c> and a model bundle (weights + options + item tables) use to rebuild a model before loading its weights.
/// </summary>
public static class RecommenderModels
{
    /// <summary>
    /// Builds the model registered in <paramref name="registry"/> as <paramref name="name"/> from <paramref name="options"/>
    /// (default: the registration's) and <paramref name="inputs"/>, with fresh parameters on the CPU (load weights next).
    /// Inputs that only training needs may be missing (<see cref="RecommenderModelInputs.TrainingOnly"/>); the others fail
    /// here with the property to set.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No model is registered as <paramref name="name"/>; the message lists the registered ones.</exception>
    /// <exception cref="ArgumentException">Options of another model's type or invalid, or a missing or misshapen input.</exception>
    public static SequentialRecommender Create(ComponentCatalog registry, string name, RecommenderModelInputs inputs, RecommenderModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(inputs);
        var factory = registry.RecommenderModel(name);
        return factory.Create(options ?? factory.Options, inputs, registry);
    }

    /// <summary><paramref name="options"/> as JSON, as <c>run.json</c> and bundles save them (read back with <see cref="Deserialize"/>).</summary>
    public static JsonElement Serialize(RecommenderModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return JsonSerializer.SerializeToElement(options, options.GetType(), SerializerOptions);
    }

    /// <summary>
    /// Reads <paramref name="json"/> (<see cref="Serialize"/>) as the options of the model registered as <paramref name="name"/>;
    /// settings the JSON lacks keep the type's defaults, except a setting whose default changed since JSON without it was
    /// written, which takes the value that JSON's run trained with (CITIES's <see cref="CitiesOptions.ConvergeBeforeReplacing"/>:
    /// false). The error names the field.
    /// </summary>
    /// <exception cref="InvalidDataException">The JSON does not fit the model's options type.</exception>
    public static RecommenderModelOptions Deserialize(ComponentCatalog registry, string name, JsonElement json)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var factory = registry.RecommenderModel(name);
        try
        {
            var options = (RecommenderModelOptions?)json.Deserialize(factory.OptionsType, SerializerOptions)
                ?? throw new InvalidDataException($"The options of model '{name}' are empty.");
            return options.WithSettingsOlderRecordsLack(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The options of model '{name}' do not fit {factory.OptionsType.Name} (field '{e.Path}'): {e.Message}", e);
        }
    }

    /// <summary>The JSON settings of model options: camel case, enums as names.</summary>
    internal static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}
