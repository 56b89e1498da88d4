using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Reads a token id written either as a number or as a list of numbers (then the first is used).</summary>
internal sealed class FirstTokenIdConverter : JsonConverter<int?>
{
    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.Number:
                return reader.GetInt32();
            case JsonTokenType.StartArray:
                int? first = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    first ??= reader.TokenType == JsonTokenType.Number ? reader.GetInt32() : throw new JsonException("Token ids must be integers.");
                }
                return first;
            default:
                throw new JsonException("A token id must be an integer or a list of integers.");
        }
    }

    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is int id)
        {
            writer.WriteNumberValue(id);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
