using System.Text.Json;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Reads the sentence-transformers pipeline description (<c>modules.json</c>) of a model folder.</summary>
internal static class SentenceTransformersFolder
{
    /// <summary>Whether <c>modules.json</c> lists a <c>sentence_transformers.models.Normalize</c> module (false without the file).</summary>
    public static bool Normalizes(string folder)
    {
        var path = Path.Combine(folder, "modules.json");
        if (!File.Exists(path))
        {
            return false;
        }
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{path}: expected a JSON array of modules.");
            }
            return document.RootElement.EnumerateArray().Any(m =>
                m.TryGetProperty("type", out var type) && type.GetString()?.EndsWith(".Normalize", StringComparison.Ordinal) == true);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
    }
}
