using System.Text;
using System.Text.Json;
using LlmCfsr.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Writes tensors in the safetensors format (8-byte little-endian header length, JSON header with dtype, shape
/// and data offsets plus <c>__metadata__</c> {"format": "pt"} as Hugging Face writes it, then the raw bytes).
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> to <paramref name="path"/> atomically (replacing it), sorted by name.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var ordered = tensors.OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        var header = new Dictionary<string, object> { ["__metadata__"] = new Dictionary<string, string> { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            long length = tensor.NumberOfElements * tensor.ElementSize;
            header[name] = new Dictionary<string, object>
            {
                ["dtype"] = DTypeName(tensor.dtype, name),
                ["shape"] = tensor.shape,
                ["data_offsets"] = new[] { offset, offset + length },
            };
            offset += length;
        }
        var json = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(header));
        int padding = (8 - json.Length % 8) % 8;
        AtomicFileWriter.Default.Write(path, stream =>
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write((ulong)(json.Length + padding));
                writer.Write(json);
                writer.Write(Enumerable.Repeat((byte)' ', padding).ToArray());
            }
            foreach (var (_, tensor) in ordered)
            {
                using var contiguous = tensor.detach().cpu().contiguous();
                contiguous.WriteBytesToStream(stream);
            }
        });
    }

    private static string DTypeName(ScalarType dtype, string name) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensor '{name}' has dtype {dtype}, which safetensors cannot store."),
    };
}
