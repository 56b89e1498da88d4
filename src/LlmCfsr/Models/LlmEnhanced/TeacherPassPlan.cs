namespace LlmCfsr.Models;

/// <summary>
/// How <see cref="UserSelfDistillation"/> encodes a batch's teacher: <see cref="Rows"/> are the distinct neighbour
/// user ids in ascending history length, <see cref="Passes"/> cut that order into contiguous no-grad passes, and
/// <see cref="Slots"/> gives, for each (batch user, neighbour) slot in row-major order, the row holding its neighbour.
/// </summary>
internal sealed record TeacherPassPlan(long[] Rows, long[] Slots, IReadOnlyList<(int Start, int Count)> Passes)
{
    /// <summary>
    /// Cuts rows sorted by ascending <paramref name="lengths"/> into contiguous passes of at most
    /// <paramref name="maxRows"/> rows that minimise the encoded cells (each pass is encoded at its longest row's
    /// width, at least 1) plus <paramref name="passOverheadCells"/> per pass: an exact dynamic programme over the
    /// distinct lengths (at most the window length of them), each group cut into equal-sized passes of at most
    /// <paramref name="maxRows"/> rows.
    /// </summary>
    public static IReadOnlyList<(int Start, int Count)> Split(IReadOnlyList<long> lengths, int maxRows, long passOverheadCells)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRows, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(passOverheadCells);
        if (lengths.Count == 0)
        {
            return [];
        }
        // Runs of equal length: their first row and width.
        var runStarts = new List<int> { 0 };
        for (int row = 1; row < lengths.Count; row++)
        {
            if (lengths[row] < lengths[row - 1])
            {
                throw new ArgumentException("Lengths must be sorted in ascending order.", nameof(lengths));
            }
            if (lengths[row] != lengths[row - 1])
            {
                runStarts.Add(row);
            }
        }
        int runs = runStarts.Count;
        int RowsBefore(int run) => run == runs ? lengths.Count : runStarts[run];
        long Cost(int firstRun, int endRun)
        {
            int count = RowsBefore(endRun) - RowsBefore(firstRun);
            long width = Math.Max(1, lengths[RowsBefore(endRun) - 1]);
            long passes = (count + maxRows - 1) / maxRows;
            return count * width + passes * passOverheadCells;
        }

        // best[e]: the cheapest cut of runs [0, e); cut[e]: where its last group starts.
        var best = new long[runs + 1];
        var cut = new int[runs + 1];
        for (int end = 1; end <= runs; end++)
        {
            best[end] = long.MaxValue;
            for (int first = 0; first < end; first++)
            {
                long cost = best[first] + Cost(first, end);
                if (cost < best[end])
                {
                    best[end] = cost;
                    cut[end] = first;
                }
            }
        }
        var groups = new List<(int Start, int Count)>();
        for (int end = runs; end > 0; end = cut[end])
        {
            int start = RowsBefore(cut[end]);
            groups.Add((start, RowsBefore(end) - start));
        }
        groups.Reverse();
        var passes = new List<(int Start, int Count)>();
        foreach (var (start, count) in groups)
        {
            int pieces = (count + maxRows - 1) / maxRows;
            for (int piece = 0; piece < pieces; piece++)
            {
                int from = start + (int)((long)count * piece / pieces);
                int to = start + (int)((long)count * (piece + 1) / pieces);
                passes.Add((from, to - from));
            }
        }
        return passes;
    }
}
