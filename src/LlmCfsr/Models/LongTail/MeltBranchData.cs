using LlmCfsr.Data;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// What MELT's branches read from the training sequences (training only, never saved), as the official code prepares it:
/// the tail-user threshold, the head users with their full training windows, the head/tail items with the item threshold,
/// and every item's contexts C_i. An occurrence of item i at position p of a user's training sequence gives two contexts,
/// both ending with i: the window of the newest items up to and including p, and (for sequences of two or more items) the
/// items from p onwards in reverse order, so the state after the context sees i last either way.
/// </summary>
internal sealed class MeltBranchData : IDisposable
{
    public MeltBranchData(PreparedDataset dataset, int maxLength, double paretoShare)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        MaxLength = maxLength;
        var lengths = Enumerable.Range(1, dataset.UserCount).Select(user => dataset.TrainingSequence(user).Length).ToArray();
        UserThreshold = TrainingPopularity.Quantile(lengths, paretoShare);
        HeadUsers = [.. Enumerable.Range(1, dataset.UserCount).Where(user => lengths[user - 1] > UserThreshold)];
        var windows = new long[HeadUsers.Length * maxLength];
        HeadUserLengths = new int[HeadUsers.Length];
        for (int k = 0; k < HeadUsers.Length; k++)
        {
            var sequence = dataset.TrainingSequence(HeadUsers[k]);
            int kept = Math.Min(sequence.Length, maxLength);
            HeadUserLengths[k] = kept;
            for (int j = 0; j < kept; j++)
            {
                windows[(k * maxLength) + maxLength - kept + j] = sequence[sequence.Length - kept + j];
            }
        }
        HeadUserWindows = tensor(windows, [HeadUsers.Length, maxLength]).DetachFromDisposeScope();

        Occurrences = TrainingPopularity.ItemOccurrences(dataset);
        ItemThreshold = TrainingPopularity.Quantile(Occurrences.Skip(1).Where(count => count > 0), paretoShare - 0.02);
        HeadItems = [.. Enumerable.Range(1, dataset.ItemCount).Where(item => Occurrences[item] > ItemThreshold)];
        TailItems = [.. Enumerable.Range(1, dataset.ItemCount).Where(item => Occurrences[item] <= ItemThreshold)];
        Contexts = ItemContexts.Build(dataset.ItemCount, maxLength, Enumerable.Range(1, dataset.UserCount).SelectMany(user => ContextsOf(dataset.TrainingSequence(user).ToArray(), maxLength)));
    }

    public int MaxLength { get; }

    /// <summary>Users with a training sequence no longer than this are tail users.</summary>
    public double UserThreshold { get; }

    public int[] HeadUsers { get; }

    /// <summary>The user branch shows a head user a random recent window of 1..this many items: <see cref="RecentWindowLimit"/> of T_U.</summary>
    public int LongestRecentWindow => RecentWindowLimit(UserThreshold);

    /// <summary>Real items in each head user's window (its training length, at most the maximum length).</summary>
    public int[] HeadUserLengths { get; }

    /// <summary>Each head user's newest training items [head users, maxLength], left-padded.</summary>
    public Tensor HeadUserWindows { get; }

    /// <summary>Items seen more often than this in training are head items.</summary>
    public double ItemThreshold { get; }

    /// <summary>Training occurrences per item (index = id).</summary>
    public int[] Occurrences { get; }

    public int[] HeadItems { get; }

    /// <summary>Tail items, unseen ones included (they have no context and keep their rows).</summary>
    public int[] TailItems { get; }

    public ItemContexts Contexts { get; }

    /// <summary>
    /// The longest recent window of the user branch for the tail-user threshold <paramref name="userThreshold"/>: the official
    /// NumPy randint(1, T_U) truncates a fractional T_U, so windows are 1..⌊T_U⌋ − 1 items (at least 1).
    /// </summary>
    internal static int RecentWindowLimit(double userThreshold) => Math.Max(1, (int)Math.Floor(userThreshold) - 1);

    internal static IEnumerable<(int Item, long[] Row)> ContextsOf(int[] sequence, int width)
    {
        for (int p = 0; p < sequence.Length; p++)
        {
            var history = new long[width];
            int kept = Math.Min(p + 1, width);
            for (int j = 0; j < kept; j++)
            {
                history[width - kept + j] = sequence[p + 1 - kept + j];
            }
            yield return (sequence[p], history);
            if (sequence.Length > 1)
            {
                var reversed = new long[width];
                int ahead = Math.Min(sequence.Length - p, width);
                for (int j = 0; j < ahead; j++)
                {
                    reversed[width - 1 - j] = sequence[p + j];
                }
                yield return (sequence[p], reversed);
            }
        }
    }

    public void Dispose()
    {
        HeadUserWindows.Dispose();
        Contexts.Dispose();
    }
}
