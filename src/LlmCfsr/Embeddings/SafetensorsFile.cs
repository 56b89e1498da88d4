using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LlmCfsr.Embeddings;

/// <summary>
/// The safetensors container for one float32 matrix plus string metadata: an 8-byte little-endian header
/// length, a JSON header (padded with spaces to a multiple of 8), then the raw little-endian data.
/// Written deterministically (fixed key order, no timestamps) so equal content gives equal bytes.
/// </summary>
internal static class SafetensorsFile
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>Header bytes for tensor <paramref name="name"/> of shape [rows, columns] float32 with <paramref name="metadata"/>.</summary>
    public static byte[] Header(string name, long rows, long columns, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            foreach (var (key, value) in metadata)
            {
                json.WriteString(key, value);
            }
            json.WriteEndObject();
            json.WriteStartObject(name);
            json.WriteString("dtype", "F32");
            json.WriteStartArray("shape");
            json.WriteNumberValue(rows);
            json.WriteNumberValue(columns);
            json.WriteEndArray();
            json.WriteStartArray("data_offsets");
            json.WriteNumberValue(0);
            json.WriteNumberValue(rows * columns * sizeof(float));
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        var header = new byte[8 + padded];
        BinaryPrimitives.WriteInt64LittleEndian(header, padded);
        buffer.GetBuffer().AsSpan(0, (int)buffer.Length).CopyTo(header.AsSpan(8));
        header.AsSpan(8 + (int)buffer.Length).Fill((byte)' ');
        return header;
    }

    /// <summary>Reads the header of <paramref name="path"/>: metadata, the tensor's shape, and where its data starts.</summary>
    public static (Dictionary<string, string> Metadata, long Rows, long Columns, long DataStart) ReadHeader(string path, string name)
    {
        using var stream = File.OpenRead(path);
        Span<byte> lengthBytes = stackalloc byte[8];
        if (stream.Length < 8 || stream.ReadAtLeast(lengthBytes, 8, throwOnEndOfStream: false) < 8)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (shorter than its 8-byte header length).");
        }
        long headerLength = BinaryPrimitives.ReadInt64LittleEndian(lengthBytes);
        if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > stream.Length)
        {
            throw new InvalidDataException($"{path}: not a safetensors file (header length {headerLength} for a {stream.Length}-byte file).");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the safetensors header is not valid JSON ({e.Message}).", e);
        }
        using (document)
        {
            var root = document.RootElement;
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("__metadata__", out var meta))
            {
                foreach (var property in meta.EnumerateObject())
                {
                    metadata[property.Name] = property.Value.GetString() ?? "";
                }
            }
            if (!root.TryGetProperty(name, out var tensor))
            {
                var names = root.EnumerateObject().Select(p => p.Name).Where(n => n != "__metadata__");
                throw new InvalidDataException($"{path}: no tensor '{name}' (tensors: {string.Join(", ", names)}).");
            }
            var dtype = tensor.GetProperty("dtype").GetString();
            var shape = tensor.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offsets = tensor.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (dtype != "F32" || shape.Length != 2)
            {
                throw new InvalidDataException($"{path}: tensor '{name}' is {dtype} [{string.Join(", ", shape)}]; a float32 (F32) matrix was expected.");
            }
            long expectedBytes = shape[0] * shape[1] * sizeof(float);
            long dataStart = 8 + headerLength + offsets[0];
            if (offsets[1] - offsets[0] != expectedBytes || dataStart + expectedBytes > stream.Length)
            {
                throw new InvalidDataException(
                    $"{path}: tensor '{name}' [{shape[0]}, {shape[1]}] needs {expectedBytes} bytes at offsets {offsets[0]}..{offsets[1]}, but the file holds {stream.Length - 8 - headerLength} data bytes (truncated?).");
            }
            return (metadata, shape[0], shape[1], dataStart);
        }
    }

    /// <summary>Reads <paramref name="count"/> floats starting at byte <paramref name="offset"/>.</summary>
    public static float[] ReadFloats(string path, long offset, long count)
    {
        EnsureLittleEndian();
        var values = new float[count];
        using var stream = File.OpenRead(path);
        stream.Position = offset;
        stream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
        return values;
    }

    /// <summary>
    /// Throws naming <paramref name="path"/>, the row (described by <paramref name="describeRow"/>) and the column of the
    /// first NaN or infinity in <paramref name="values"/> [rows, <paramref name="dimension"/>]: one bad value would
    /// otherwise surface far away (a failed SVD, a NaN loss).
    /// </summary>
    public static void EnsureFinite(string path, ReadOnlySpan<float> values, int dimension, Func<int, string> describeRow)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                int row = i / dimension;
                throw new InvalidDataException($"{path}: row {row} ({describeRow(row)}), column {i % dimension} is {values[i].ToString(System.Globalization.CultureInfo.InvariantCulture)}; embeddings must be finite numbers. Write the file again with 'llmcfsr embed'.");
            }
        }
    }

    /// <summary>safetensors data is little-endian; floats are copied as raw bytes, so the host must be too.</summary>
    public static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Item-embedding caches are read and written on little-endian hosts only.");
        }
    }

    /// <summary>UTF-8 JSON of a string list (the hashed form of an item order).</summary>
    public static byte[] Utf8Json(IReadOnlyList<string> values) => JsonSerializer.SerializeToUtf8Bytes(values);
}
