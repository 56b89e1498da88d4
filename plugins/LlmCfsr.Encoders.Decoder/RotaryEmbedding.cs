using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Rotary position embeddings in the Hugging Face layout: each head's vector is split into halves and
/// (x₁, x₂) rotates to (x₁ cos − x₂ sin, x₂ cos + x₁ sin) with frequency θ^(−2i/d). Computed in float32.
/// </summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _inverseFrequencies;

    public RotaryEmbedding(int headSize, double theta)
    {
        _inverseFrequencies = new float[headSize / 2];
        for (int i = 0; i < _inverseFrequencies.Length; i++)
        {
            _inverseFrequencies[i] = (float)(1.0 / Math.Pow(theta, 2.0 * i / headSize));
        }
    }

    /// <summary>cos and sin tables [length, headSize] for positions start..start+length−1.</summary>
    public (Tensor Cos, Tensor Sin) Tables(long start, long length, Device device)
    {
        using var scope = torch.NewDisposeScope();
        using var first = start.ToScalar();
        using var end = (start + length).ToScalar();
        var positions = TensorArithmetic.Arange(first, end, ScalarType.Float32, device);
        var inverse = torch.tensor(_inverseFrequencies, device: device);
        var angles = torch.outer(positions, inverse);
        var full = torch.cat(new[] { angles, angles }, dim: -1);
        return (full.cos().MoveToOuterDisposeScope(), full.sin().MoveToOuterDisposeScope());
    }

    /// <summary>Rotates <paramref name="x"/> [batch, heads, length, headSize] by the tables.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = torch.NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        long half = xf.shape[^1] / 2;
        var first = xf.narrow(-1, 0, half);
        var second = xf.narrow(-1, half, half);
        var rotated = torch.cat(new[] { -second, first }, dim: -1);
        return TensorArithmetic.Plus(xf * cos, rotated * sin).to(x.dtype).MoveToOuterDisposeScope();
    }
}
