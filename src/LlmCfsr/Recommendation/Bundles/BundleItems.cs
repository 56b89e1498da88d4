using System.Text;
using System.Text.Json;
using LlmCfsr.Data;
using LlmCfsr.Storage;

namespace LlmCfsr.Recommendation;

/// <summary>
/// <c>items.jsonl</c>: the bundle's item vocabulary, line i holding the model's item i as
/// <c>{"id": "source id", "attributes": {"title": "...", ...}}</c> (attributes in their dataset order).
/// </summary>
internal static class BundleItems
{
    public static void Write(string path, IReadOnlyList<string> ids, IReadOnlyList<ItemAttributes> attributes, AtomicFileWriter writer)
    {
        writer.Write(path, stream =>
        {
            var options = new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            for (int i = 0; i < ids.Count; i++)
            {
                using (var json = new Utf8JsonWriter(stream, options))
                {
                    json.WriteStartObject();
                    json.WriteString("id", ids[i]);
                    json.WriteStartObject("attributes");
                    foreach (var (name, value) in attributes[i].Pairs)
                    {
                        json.WriteString(name, value);
                    }
                    json.WriteEndObject();
                    json.WriteEndObject();
                }
                stream.WriteByte((byte)'\n');
            }
        });
    }

    public static (IReadOnlyList<string> Ids, IReadOnlyList<ItemAttributes> Attributes) Read(string path, int expectedCount)
    {
        var ids = new List<string>(expectedCount);
        var attributes = new List<ItemAttributes>(expectedCount);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(id.GetString()))
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: field 'id' (a non-empty string) is missing.");
                }
                var pairs = new List<KeyValuePair<string, string>>();
                if (root.TryGetProperty("attributes", out var values))
                {
                    if (values.ValueKind != JsonValueKind.Object)
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: field 'attributes' must be an object of strings.");
                    }
                    foreach (var property in values.EnumerateObject())
                    {
                        pairs.Add(KeyValuePair.Create(property.Name, property.Value.GetString() ?? ""));
                    }
                }
                ids.Add(id.GetString()!);
                attributes.Add(new ItemAttributes(pairs));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: not a JSON item line ({e.Message}).", e);
            }
        }
        if (ids.Count != expectedCount)
        {
            throw new InvalidDataException($"{path}: {ids.Count} items, but the bundle manifest records {expectedCount}.");
        }
        return (ids, attributes);
    }
}
