using System.Numerics;

namespace LlmCfsr.Recommendation;

/// <summary>The inner product kernel of the managed item indexes (SIMD through <see cref="Vector{T}"/>).</summary>
internal static class VectorMath
{
    public static float Dot(ReadOnlySpan<float> left, ReadOnlySpan<float> right)
    {
        int width = Vector<float>.Count;
        var sum = Vector<float>.Zero;
        int i = 0;
        for (; i <= left.Length - width; i += width)
        {
            sum += new Vector<float>(left.Slice(i, width)) * new Vector<float>(right.Slice(i, width));
        }
        float total = Vector.Sum(sum);
        for (; i < left.Length; i++)
        {
            total += left[i] * right[i];
        }
        return total;
    }
}
