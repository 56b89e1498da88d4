using System.Text;
using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>Turns JSON attribute values into text: strings as is, numbers and booleans as written, arrays joined with ", ", objects as "key: value" pairs; null is absent.</summary>
internal static class JsonAttributes
{
    public static string? ToText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
            case JsonValueKind.Undefined:
                return null;
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Array:
                {
                    var parts = new List<string>();
                    foreach (var element in value.EnumerateArray())
                    {
                        var text = ToText(element);
                        if (!string.IsNullOrEmpty(text))
                        {
                            parts.Add(text);
                        }
                    }
                    return string.Join(", ", parts);
                }
            case JsonValueKind.Object:
                {
                    var builder = new StringBuilder();
                    foreach (var property in value.EnumerateObject())
                    {
                        var text = ToText(property.Value);
                        if (text is null)
                        {
                            continue;
                        }
                        if (builder.Length > 0)
                        {
                            builder.Append("; ");
                        }
                        builder.Append(property.Name).Append(": ").Append(text);
                    }
                    return builder.ToString();
                }
            default:
                return value.GetRawText();
        }
    }

    /// <summary>Every property of <paramref name="record"/> except <paramref name="skip"/>, in source order, null values left out.</summary>
    public static List<KeyValuePair<string, string>> AllExcept(JsonElement record, params string[] skip)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var property in record.EnumerateObject())
        {
            if (Array.IndexOf(skip, property.Name) >= 0 || string.IsNullOrWhiteSpace(property.Name))
            {
                continue;
            }
            var text = ToText(property.Value);
            if (text is not null)
            {
                pairs.Add(new KeyValuePair<string, string>(property.Name, text));
            }
        }
        return pairs;
    }

    /// <summary>The named properties in the given order (those present and non-null), each renamed to its output name.</summary>
    public static List<KeyValuePair<string, string>> Select(JsonElement record, params (string Field, string Name)[] fields)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (field, name) in fields)
        {
            if (record.TryGetProperty(field, out var value) && ToText(value) is { } text)
            {
                pairs.Add(new KeyValuePair<string, string>(name, text));
            }
        }
        return pairs;
    }

    /// <summary>A required id field as text (string or number).</summary>
    public static string RequiredId(JsonElement record, string field, string path, long line)
    {
        if (record.ValueKind != JsonValueKind.Object)
        {
            throw DataFileReader.Error(path, line, $"expected a JSON object, found {record.ValueKind}.");
        }
        if (!record.TryGetProperty(field, out var value) || value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
        {
            throw DataFileReader.Error(path, line, $"field '{field}' is missing or not a string/number.");
        }
        var id = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return id.Length > 0 ? id : throw DataFileReader.Error(path, line, $"field '{field}' is empty.");
    }

    /// <summary>Parses one JSON line, naming file and line on failure.</summary>
    public static JsonDocument ParseLine(string text, string path, long line)
    {
        try
        {
            return JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw DataFileReader.Error(path, line, $"malformed JSON: {e.Message}", e);
        }
    }
}
