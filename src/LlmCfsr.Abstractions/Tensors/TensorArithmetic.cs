using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Tensors;

/// <summary>
/// Tensor arithmetic that TorchSharp 0.107 performs with a Scalar the garbage collector may free during the native
/// call, done with Scalars that live for the whole process. Each method is the same libtorch call as the TorchSharp
/// member it replaces, so results are bit-for-bit the same.
/// </summary>
/// <remarks>
/// TorchSharp's <c>a + b</c> and <c>a.add(b)</c> are <c>a.add(b, 1)</c> with the Scalar 1 made inside TorchSharp and
/// released by its finalizer: nothing keeps it alive once its handle has been read, so a collection started by another
/// thread (a parallel test, an ASP.NET request, a background loader) can free it while libtorch reads it, which fails
/// with "c10::Scalar::toFloat: Expected false to be true" or silently reads a wrong value. The build's analyzers
/// (LLMCFSR100, LLMCFSR101) name these members and the method here that replaces each.
/// </remarks>
public static class TensorArithmetic
{
    // Static Scalars outlive every native call that reads them; libtorch only reads them, so threads may share them.
    private static readonly Scalar Zero = 0;
    private static readonly Scalar One = 1;
    private static readonly Scalar Two = 2;

    /// <summary><paramref name="left"/> + <paramref name="right"/> (broadcast), as TorchSharp's <c>left + right</c>.</summary>
    public static Tensor Plus(Tensor left, Tensor right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.add(right, One);
    }

    /// <summary><paramref name="left"/> + <paramref name="right"/>, as TorchSharp's <c>left + right</c> and <c>left.add(right)</c>.</summary>
    /// <param name="left">The tensor.</param>
    /// <param name="right">The number added, held by the caller (a <c>using var</c> local or a static field) until this returns.</param>
    public static Tensor Plus(Tensor left, Scalar right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        return left.add(right, One);
    }

    /// <summary>Adds <paramref name="addend"/> to <paramref name="target"/> in place and returns it, as TorchSharp's <c>target.add_(addend)</c>.</summary>
    public static Tensor PlusInPlace(Tensor target, Tensor addend)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(addend);
        return target.add_(addend, One);
    }

    /// <summary>Element-wise square, as TorchSharp's <c>x.square()</c> (<c>x.pow(2)</c>).</summary>
    public static Tensor Square(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.pow(Two);
    }

    /// <summary>0, 1, ..., <paramref name="stop"/> - 1, as TorchSharp's <c>arange(stop, dtype, device)</c>.</summary>
    /// <param name="stop">The end (excluded), held by the caller until this returns.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="device">The device; null: the default device.</param>
    public static Tensor Arange(Scalar stop, ScalarType dtype, Device? device)
    {
        ArgumentNullException.ThrowIfNull(stop);
        return arange(Zero, stop, One, dtype, device);
    }

    /// <summary><paramref name="start"/>, <paramref name="start"/> + 1, ..., <paramref name="stop"/> - 1, as TorchSharp's <c>arange(start, stop, dtype, device)</c>.</summary>
    /// <param name="start">The first value, held by the caller until this returns.</param>
    /// <param name="stop">The end (excluded), held by the caller until this returns.</param>
    /// <param name="dtype">The element type.</param>
    /// <param name="device">The device; null: the default device.</param>
    public static Tensor Arange(Scalar start, Scalar stop, ScalarType dtype, Device? device)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(stop);
        return arange(start, stop, One, dtype, device);
    }
}
