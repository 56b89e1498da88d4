using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>
/// Bernoulli draws from libtorch's default CPU generator, computed in managed code: the same values as libtorch's
/// element-by-element <c>bernoulli_(p)</c> and the same generator state afterwards. Where libtorch takes that path (a
/// libtorch without MKL, or any AMD CPU, where it skips MKL's sampler), each element costs it a locked, serial
/// <c>mt19937</c> call pair through a type-erased loop; here the words are tempered in bulk with SIMD and compared as
/// integers. Whether libtorch takes that path on this machine is checked once, by drawing with both from the same state
/// (<see cref="MatchesLibtorch"/>); where it does not (MKL's sampler on Intel), callers keep libtorch's own draws.
/// </summary>
/// <remarks>
/// libtorch's serial sampler: for each element in memory order, <c>x = (random64() &amp; (2⁵³ − 1)) · 2⁻⁵³</c> with
/// <c>random64() = (word₁ &lt;&lt; 32) | word₂</c>, two consecutive tempered MT19937 words, and the element is 1 when
/// <c>x &lt; p</c>. Scaling by 2⁻⁵³ is exact, so the test is the integer comparison <c>m &lt; ⌈p · 2⁵³⌉</c>. The state is
/// read and written through <c>get_rng_state</c>/<c>set_rng_state</c> (CPUGeneratorImplState: initial seed, <c>left</c>
/// at byte 8, <c>next</c> at byte 16, 624 words as 64-bit slots from byte 24).
/// </remarks>
internal static class GeneratorBernoulli
{
    private const int StateWords = 624;
    private const int ShiftWords = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;
    private const int LeftOffset = 8;
    private const int NextOffset = 16;
    private const int WordsOffset = 24;
    private const int StateBytes = 5056;
    private const ulong Mantissa = (1UL << 53) - 1;
    private const int ChunkElements = 4096;

    private static readonly object Gate = new();
    private static readonly Lazy<bool> Matches = new(CheckAgainstLibtorch);

    /// <summary>Whether libtorch's own <c>bernoulli_(p)</c> draws exactly what <see cref="Fill"/> draws on this machine (checked once, consuming nothing).</summary>
    public static bool MatchesLibtorch => Matches.Value;

    /// <summary>
    /// Fills <paramref name="output"/> with 1 (probability <paramref name="p"/>) or 0 in order, advancing libtorch's
    /// default CPU generator exactly as <c>bernoulli_(p)</c> on a contiguous tensor of that many elements does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Fill(Span<float> output, double p)
    {
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The probability must be inside (0, 1).");
        }
        ulong threshold = (ulong)Math.Ceiling(p * (1UL << 53));
        var state = new uint[StateWords];
        uint[] words = ArrayPool<uint>.Shared.Rent(2 * ChunkElements);
        lock (Gate)
        {
            byte[] bytes;
            using (var saved = get_rng_state())
            {
                bytes = saved.bytes.ToArray();
            }
            if (bytes.Length != StateBytes)
            {
                throw new InvalidOperationException($"libtorch's CPU generator state has {bytes.Length} bytes, not {StateBytes}: this libtorch is not supported.");
            }
            int left = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(LeftOffset));
            int next = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(NextOffset));
            for (int k = 0; k < StateWords; k++)
            {
                state[k] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(WordsOffset + 8 * k));
            }
            for (int start = 0; start < output.Length; start += ChunkElements)
            {
                int count = Math.Min(ChunkElements, output.Length - start);
                var chunk = words.AsSpan(0, 2 * count);
                NextWords(state, ref left, ref next, chunk);
                Compare(chunk, threshold, output.Slice(start, count));
            }
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(LeftOffset), left);
            BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(NextOffset), (ulong)next);
            for (int k = 0; k < StateWords; k++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(WordsOffset + 8 * k), state[k]);
            }
            using var updated = tensor(bytes);
            set_rng_state(updated);
        }
        ArrayPool<uint>.Shared.Return(words);
    }

    /// <summary>
    /// The next <c>destination.Length</c> tempered words. libtorch's engine decrements <c>left</c> before each word and
    /// regenerates the state when it reaches 0, so <c>left − 1</c> words are available from <c>state[next]</c> on.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NextWords(uint[] state, ref int left, ref int next, Span<uint> destination)
    {
        while (!destination.IsEmpty)
        {
            if (left == 1)
            {
                Regenerate(state);
                left = StateWords + 1;
                next = 0;
            }
            int take = Math.Min(left - 1, destination.Length);
            Temper(state.AsSpan(next, take), destination[..take]);
            left -= take;
            next += take;
            destination = destination[take..];
        }
    }

    /// <summary>MT19937's state regeneration, eight words at a time: each word reads words already regenerated (k − 227) or not yet (k + 1, k + 397).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Regenerate(uint[] state)
    {
        int width = Vector<uint>.Count;
        var span = state.AsSpan();
        int k = 0;
        for (; k + width <= StateWords - ShiftWords; k += width)
        {
            Twist(span, k, k + ShiftWords);
        }
        for (; k < StateWords - ShiftWords; k++)
        {
            state[k] = state[k + ShiftWords] ^ Twist(state[k], state[k + 1]);
        }
        for (; k + width <= StateWords - 1; k += width)
        {
            Twist(span, k, k + ShiftWords - StateWords);
        }
        for (; k < StateWords - 1; k++)
        {
            state[k] = state[k + ShiftWords - StateWords] ^ Twist(state[k], state[k + 1]);
        }
        state[k] = state[k + ShiftWords - StateWords] ^ Twist(state[k], state[0]);
    }

    private static void Twist(Span<uint> state, int k, int source)
    {
        var u = new Vector<uint>(state.Slice(k));
        var v = new Vector<uint>(state.Slice(k + 1));
        var mixed = (u & new Vector<uint>(UpperMask)) | (v & new Vector<uint>(LowerMask));
        var odd = Vector.Equals(v & Vector<uint>.One, Vector<uint>.One);
        var twisted = Vector.ShiftRightLogical(mixed, 1) ^ (odd & new Vector<uint>(MatrixA));
        (new Vector<uint>(state.Slice(source)) ^ twisted).CopyTo(state.Slice(k));
    }

    private static uint Twist(uint u, uint v) => (((u & UpperMask) | (v & LowerMask)) >> 1) ^ ((v & 1) != 0 ? MatrixA : 0);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Temper(ReadOnlySpan<uint> source, Span<uint> destination)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var b = new Vector<uint>(0x9d2c5680);
            var c = new Vector<uint>(0xefc60000);
            var from = MemoryMarshal.Cast<uint, Vector<uint>>(source);
            var to = MemoryMarshal.Cast<uint, Vector<uint>>(destination);
            for (int v = 0; v < from.Length; v++)
            {
                var y = from[v];
                y ^= Vector.ShiftRightLogical(y, 11);
                y ^= Vector.ShiftLeft(y, 7) & b;
                y ^= Vector.ShiftLeft(y, 15) & c;
                to[v] = y ^ Vector.ShiftRightLogical(y, 18);
            }
            k = from.Length * Vector<uint>.Count;
        }
        for (; k < source.Length; k++)
        {
            uint y = source[k];
            y ^= y >> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            destination[k] = y ^ (y >> 18);
        }
    }

    /// <summary>Element i is 1 when the 53 low bits of (words[2i] &lt;&lt; 32 | words[2i + 1]) are below <paramref name="threshold"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compare(ReadOnlySpan<uint> words, ulong threshold, Span<float> output)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            // Little-endian pairs read as 64-bit lanes hold word 2i in the low half: rotate by 32. Below 2⁵³ the
            // signed comparison is the unsigned one; true lanes (all ones) keep the bits of 1.0f.
            var pairs = MemoryMarshal.Cast<uint, ulong>(words);
            var mantissa = new Vector<ulong>(Mantissa);
            var limit = new Vector<long>((long)threshold);
            var one = new Vector<int>(0x3F800000);
            int width = Vector<int>.Count;
            for (; i + width <= output.Length; i += width)
            {
                var low = new Vector<ulong>(pairs.Slice(i));
                var high = new Vector<ulong>(pairs.Slice(i + Vector<ulong>.Count));
                var lowDraws = Vector.AsVectorInt64((Vector.ShiftLeft(low, 32) | Vector.ShiftRightLogical(low, 32)) & mantissa);
                var highDraws = Vector.AsVectorInt64((Vector.ShiftLeft(high, 32) | Vector.ShiftRightLogical(high, 32)) & mantissa);
                var kept = Vector.Narrow(Vector.LessThan(lowDraws, limit), Vector.LessThan(highDraws, limit));
                Vector.AsVectorSingle(kept & one).CopyTo(output.Slice(i));
            }
        }
        for (; i < output.Length; i++)
        {
            ulong m = (((ulong)words[2 * i] << 32) | words[2 * i + 1]) & Mantissa;
            output[i] = m < threshold ? 1f : 0f;
        }
    }

    /// <summary>Draws a few thousand elements with libtorch and with <see cref="Fill"/> from the same state; leaves the generator as it was.</summary>
    private static bool CheckAgainstLibtorch()
    {
        const int Elements = 2 * StateWords + 37;
        const double P = 0.8;
        using var scope = NewDisposeScope();
        var before = get_rng_state();
        try
        {
            if (before.bytes.Length != StateBytes)
            {
                return false;
            }
            var libtorch = empty(Elements, dtype: ScalarType.Float32).bernoulli_(P).data<float>().ToArray();
            var libtorchAfter = get_rng_state().bytes.ToArray();
            set_rng_state(before);
            var managed = new float[Elements];
            Fill(managed, P);
            return managed.AsSpan().SequenceEqual(libtorch) && get_rng_state().bytes.SequenceEqual(libtorchAfter);
        }
        finally
        {
            set_rng_state(before);
        }
    }
}
