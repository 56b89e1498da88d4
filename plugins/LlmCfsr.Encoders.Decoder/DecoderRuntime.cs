using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Parses the device and dtype names used in options and on the command line.</summary>
public static class DecoderRuntime
{
    /// <summary>Maps <c>float32</c>/<c>fp32</c>, <c>float16</c>/<c>fp16</c>, <c>bfloat16</c>/<c>bf16</c> to a dtype.</summary>
    public static ScalarType ParseDType(string name) => name?.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "float" => ScalarType.Float32,
        "float16" or "fp16" or "half" => ScalarType.Float16,
        "bfloat16" or "bf16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"Unknown dtype '{name}'; use float32, float16 or bfloat16."),
    };

    /// <summary>Short name of a weight dtype, as written in fingerprints.</summary>
    public static string DTypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Float16 => "float16",
        ScalarType.BFloat16 => "bfloat16",
        _ => dtype.ToString(),
    };
}
