using System.Text.Json;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Opens any trainable text encoder from its folder: <see cref="FromPretrained"/> reads <c>model_type</c> from
/// <c>config.json</c> and hands the folder to the factory registered for that family (each encoder plugin registers
/// its own: <c>AddBertEncoder</c> bert, <c>AddLlama2Encoder</c> llama, <c>AddQwen25Encoder</c> qwen2).
/// </summary>
public sealed class TrainableTextEncoders
{
    /// <summary>The model path that names the packaged all-MiniLM-L6-v2 instead of a folder.</summary>
    public const string PackagedMiniLm = "minilm";

    private readonly IReadOnlyDictionary<string, ITrainableTextEncoderFactory> _factories;

    /// <summary>Collects the registered factories.</summary>
    public TrainableTextEncoders(IEnumerable<ITrainableTextEncoderFactory> factories)
    {
        ArgumentNullException.ThrowIfNull(factories);
        _factories = factories.GroupBy(f => f.Family, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The families that can be opened.</summary>
    public IReadOnlyCollection<string> Families => _factories.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>
    /// Opens <paramref name="modelPath"/> with the factory of its family (<see cref="ReadFamily"/>); an unknown or
    /// unregistered family fails naming the file, the family and the supported ones.
    /// </summary>
    public ITrainableTextEncoder FromPretrained(string modelPath, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        var family = ReadFamily(modelPath);
        if (!_factories.TryGetValue(family, out var factory))
        {
            throw new InvalidDataException(
                $"{Path.Combine(modelPath, "config.json")}: model_type '{family}' is not a supported encoder family; supported: {string.Join(", ", Families)}.");
        }
        return factory.Open(modelPath, dtype, device ?? CPU);
    }

    /// <summary>
    /// The <c>model_type</c> field of <paramref name="folder"/>/config.json, lower-cased; <c>bert</c> for the name
    /// <c>minilm</c> (the all-MiniLM-L6-v2 that LlmCfsr.Encoders.Bert reads from its package) when no such folder exists.
    /// </summary>
    public static string ReadFamily(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (string.Equals(folder, PackagedMiniLm, StringComparison.OrdinalIgnoreCase) && !Directory.Exists(folder))
        {
            return "bert";
        }
        var path = Path.Combine(folder, "config.json");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist; a Hugging Face model folder needs config.json.", path);
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("model_type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"{path}: field 'model_type' is missing or not a string.");
            }
            return type.GetString()!.ToLowerInvariant();
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
    }
}
