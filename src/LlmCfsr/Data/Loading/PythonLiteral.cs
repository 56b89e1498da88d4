using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Converts one Python literal (dict, list, tuple, str with ' or " quotes and escapes, int, float, True, False,
/// None) to JSON text, so the Amazon 2014 metadata (written with Python's repr) can be read as JSON.
/// </summary>
internal sealed class PythonLiteral
{
    private readonly string _text;
    private readonly Utf8JsonWriter _json;
    private int _position;

    private PythonLiteral(string text, Utf8JsonWriter json)
    {
        _text = text;
        _json = json;
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> with the character position on error.</summary>
    public static JsonDocument Parse(string text)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            var parser = new PythonLiteral(text, json);
            parser.Value();
            parser.SkipSpace();
            if (parser._position != text.Length)
            {
                throw parser.Fail("unexpected text after the literal");
            }
        }
        return JsonDocument.Parse(buffer.ToArray());
    }

    private void Value()
    {
        SkipSpace();
        if (_position >= _text.Length)
        {
            throw Fail("unexpected end of line");
        }
        char c = _text[_position];
        switch (c)
        {
            case '{':
                _position++;
                _json.WriteStartObject();
                Sequence('}', () =>
                {
                    SkipSpace();
                    if (_position >= _text.Length || (_text[_position] != '\'' && _text[_position] != '"'))
                    {
                        throw Fail("dictionary keys must be strings");
                    }
                    _json.WritePropertyName(String());
                    SkipSpace();
                    Expect(':');
                    Value();
                });
                _json.WriteEndObject();
                break;
            case '[':
            case '(':
                _position++;
                _json.WriteStartArray();
                Sequence(c == '[' ? ']' : ')', Value);
                _json.WriteEndArray();
                break;
            case '\'':
            case '"':
                _json.WriteStringValue(String());
                break;
            default:
                Atom();
                break;
        }
    }

    private void Sequence(char close, Action element)
    {
        SkipSpace();
        if (Peek() == close)
        {
            _position++;
            return;
        }
        while (true)
        {
            element();
            SkipSpace();
            char c = Peek();
            _position++;
            if (c == close)
            {
                return;
            }
            if (c != ',')
            {
                throw Fail($"expected ',' or '{close}'", _position - 1);
            }
            SkipSpace();
            if (Peek() == close)
            {
                _position++;
                return;
            }
        }
    }

    private string String()
    {
        char quote = _text[_position++];
        var value = new StringBuilder();
        while (true)
        {
            if (_position >= _text.Length)
            {
                throw Fail("unterminated string");
            }
            char c = _text[_position++];
            if (c == quote)
            {
                return value.ToString();
            }
            if (c != '\\')
            {
                value.Append(c);
                continue;
            }
            if (_position >= _text.Length)
            {
                throw Fail("unterminated escape");
            }
            char escape = _text[_position++];
            switch (escape)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case '0': value.Append('\0'); break;
                case 'x': value.Append((char)Hex(2)); break;
                case 'u': value.Append((char)Hex(4)); break;
                case 'U': value.Append(char.ConvertFromUtf32(Hex(8))); break;
                case '\\':
                case '\'':
                case '"':
                    value.Append(escape);
                    break;
                default:
                    // Python keeps unknown escapes verbatim.
                    value.Append('\\').Append(escape);
                    break;
            }
        }
    }

    private int Hex(int digits)
    {
        if (_position + digits > _text.Length || !int.TryParse(_text.AsSpan(_position, digits), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
        {
            throw Fail($"expected {digits} hex digits");
        }
        _position += digits;
        return code;
    }

    private void Atom()
    {
        int start = _position;
        while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] is '.' or '-' or '+' or '_'))
        {
            _position++;
        }
        var atom = _text.AsSpan(start, _position - start);
        if (atom.SequenceEqual("True"))
        {
            _json.WriteBooleanValue(true);
        }
        else if (atom.SequenceEqual("False"))
        {
            _json.WriteBooleanValue(false);
        }
        else if (atom.SequenceEqual("None"))
        {
            _json.WriteNullValue();
        }
        else if (long.TryParse(atom, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long integer))
        {
            _json.WriteNumberValue(integer);
        }
        else if (double.TryParse(atom, NumberStyles.Float, CultureInfo.InvariantCulture, out double real) && double.IsFinite(real))
        {
            _json.WriteNumberValue(real);
        }
        else
        {
            throw Fail($"unexpected '{(atom.Length > 0 ? atom.ToString() : _text[start].ToString())}'", start);
        }
    }

    private char Peek() => _position < _text.Length ? _text[_position] : throw Fail("unexpected end of line");

    private void Expect(char c)
    {
        if (Peek() != c)
        {
            throw Fail($"expected '{c}'");
        }
        _position++;
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private FormatException Fail(string message, int? at = null) => new($"{message} at character {(at ?? _position) + 1}");
}
