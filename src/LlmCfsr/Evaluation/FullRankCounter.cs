using System.Numerics;
using System.Runtime.InteropServices;
using LlmCfsr.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Evaluation;

/// <summary>
/// Pessimistic full-ranking ranks of a batch from its scores [batch, items + 1] (column 0 is padding): per row, the
/// items scoring at least as high as the target, minus those among the user's distinct interacted items (the target
/// among them) and the padding column. Float32 scores on the CPU are counted in place in one vectorised pass per row,
/// which also finds NaN scores (no temporaries: libtorch's compare-then-sum wrote and re-read a [batch, items] mask,
/// and its NaN check another, costing more than the scores' matrix product); scores elsewhere (a GPU, other dtypes)
/// are counted with tensor operations where they live.
/// </summary>
internal static class FullRankCounter
{
    /// <summary>
    /// Writes the rank of each row's target into <paramref name="ranks"/>. <paramref name="interacted"/> holds each
    /// user's distinct interacted items (ids ≥ 1, the target among them).
    /// </summary>
    /// <exception cref="InvalidOperationException">A score is NaN.</exception>
    public static void Count(Tensor scores, ReadOnlySpan<long> targets, IReadOnlyList<int[]> interacted, Span<long> ranks, string method)
    {
        if (scores.device_type == DeviceType.CPU && scores.dtype == ScalarType.Float32)
        {
            using var contiguous = scores.contiguous();
            var values = MemoryMarshal.Cast<byte, float>(contiguous.bytes);
            int columns = (int)scores.shape[1];
            for (int row = 0; row < targets.Length; row++)
            {
                ranks[row] = CountRow(values.Slice(row * columns, columns), targets[row], interacted[row], method);
            }
            return;
        }
        using var scope = NewDisposeScope();
        if (scores.isnan().any().item<bool>())
        {
            throw NaNScores(method);
        }
        var device = scores.device;
        var targetScores = scores.gather(1, tensor(targets.ToArray(), [targets.Length, 1], device: device));
        var interactedItems = InteractedTensor(interacted, device);
        // Counting in int32 (a row has at most items + 1 < 2^31 entries): libtorch's bool-to-int64 sum is about ten
        // times slower over [batch, items].
        var atLeast = scores.ge(targetScores).sum(1, type: ScalarType.Int32);
        var interactedAtLeast = scores.gather(1, interactedItems).ge(targetScores).logical_and_(ItemIds.IsReal(interactedItems)).sum(1, type: ScalarType.Int32);
        var paddingAtLeast = scores.narrow(1, 0, 1).ge(targetScores).squeeze(1).to(ScalarType.Int32);
        atLeast.sub_(interactedAtLeast).sub_(paddingAtLeast).to(ScalarType.Int64).cpu().data<long>().CopyTo(ranks);
    }

    private static long CountRow(ReadOnlySpan<float> row, long target, int[] interacted, string method)
    {
        float threshold = row[(int)target];
        // Lanes count up to row.Length / Vector<float>.Count each, far below int.MaxValue.
        var atLeast = Vector<int>.Zero;
        var notANumber = Vector<int>.Zero;
        var thresholds = new Vector<float>(threshold);
        var vectors = MemoryMarshal.Cast<float, Vector<float>>(row);
        foreach (var value in vectors)
        {
            atLeast -= Vector.GreaterThanOrEqual(value, thresholds);
            notANumber |= ~Vector.Equals(value, value);
        }
        long count = Vector.Sum(atLeast);
        bool hasNaN = notANumber != Vector<int>.Zero;
        for (int i = vectors.Length * Vector<float>.Count; i < row.Length; i++)
        {
            count += row[i] >= threshold ? 1 : 0;
            hasNaN |= float.IsNaN(row[i]);
        }
        if (hasNaN)
        {
            throw NaNScores(method);
        }
        count -= row[(int)ItemIds.Padding] >= threshold ? 1 : 0;
        foreach (int item in interacted)
        {
            count -= row[item] >= threshold ? 1 : 0;
        }
        return count;
    }

    /// <summary>The distinct interacted items [batch, most distinct], right-padded with 0.</summary>
    private static Tensor InteractedTensor(IReadOnlyList<int[]> interacted, Device device)
    {
        int widest = Math.Max(1, interacted.Max(items => items.Length));
        var buffer = new long[interacted.Count * widest];
        for (int j = 0; j < interacted.Count; j++)
        {
            for (int k = 0; k < interacted[j].Length; k++)
            {
                buffer[j * widest + k] = interacted[j][k];
            }
        }
        return tensor(buffer, [interacted.Count, widest], device: device);
    }

    /// <summary>The error for NaN scores, shared by every protocol.</summary>
    public static InvalidOperationException NaNScores(string method) => new($"{method} returned NaN scores; ranks would be meaningless.");
}
