using LlmCfsr.Data;
using LlmCfsr.Scoring;
using TorchSharp;
using static TorchSharp.torch;
using LlmCfsr.Sequences;

namespace LlmCfsr.Evaluation;

/// <summary>
/// Ranks every user's held-out item (validation or test) with an <see cref="IItemScorer"/>, batched on tensors.
/// The user's interacted set is the whole sequence (for validation this includes the test item): sampled negatives
/// never come from it (<see cref="EvaluationCandidateSampler"/>, one stream per evaluation seed, split and user, so
/// results depend neither on the batch size nor on the visiting order), and full ranking excludes it except the target.
/// Ranks are pessimistic: rank = number of candidates scoring at least as high as the target, target excluded.
/// See docs/evaluation.md.
/// </summary>
public static class RankingEvaluator
{
    /// <summary>Evaluates <paramref name="scorer"/> on <paramref name="split"/> of <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options, a training split, a scorer with another catalogue, or too few items to sample negatives from.</exception>
    /// <exception cref="InvalidOperationException">The scorer returned tensors of the wrong shape or NaN scores.</exception>
    public static EvaluationReport Evaluate(IItemScorer scorer, PreparedDataset data, DataSplit split, EvaluationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scorer);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (split == DataSplit.Training)
        {
            throw new ArgumentException("Only the validation and test splits have held-out items to rank.", nameof(split));
        }
        if (scorer.ItemCount != data.ItemCount)
        {
            throw new ArgumentException($"The scorer knows {scorer.ItemCount} items, the dataset '{data.Name}' has {data.ItemCount}.", nameof(scorer));
        }

        var protocol = options.Protocol;
        int userCount = data.UserCount;
        int itemCount = data.ItemCount;
        int historyLength = options.MaxHistoryLength;
        var groups = LongTailGroups.Compute(data, options.LongTail);
        var sampler = protocol.Kind == EvaluationProtocolKind.Full
            ? null
            : new EvaluationCandidateSampler(data, protocol, options.Seed, groups.ItemPopularity);

        var users = new int[userCount];
        var ranks = new long[userCount];
        var tailItemTarget = new bool[userCount];
        var tailUser = new bool[userCount];
        var device = options.Device;

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var order = BatchOrder(data, split, historyLength);
        var batchRanks = new long[Math.Min(options.BatchSize, userCount)];
        for (int start = 0; start < userCount; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(options.BatchSize, userCount - start);
            using var scope = NewDisposeScope();

            var historyBuffer = new long[batch * historyLength];
            var targetBuffer = new long[batch];
            for (int j = 0; j < batch; j++)
            {
                int index = order[start + j];
                int user = index + 1;
                var (history, target) = data.SplitOf(user, split);
                var recent = history.Span[Math.Max(0, history.Length - historyLength)..];
                int offset = j * historyLength + historyLength - recent.Length;
                for (int k = 0; k < recent.Length; k++)
                {
                    historyBuffer[offset + k] = recent[k];
                }
                targetBuffer[j] = target;
                users[index] = user;
                tailItemTarget[index] = groups.IsTailItem[target];
                tailUser[index] = groups.IsTailUser[user];
            }

            var histories = tensor(historyBuffer, [batch, historyLength], device: device);
            var batchUsers = order.AsSpan(start, batch);
            if (sampler is null)
            {
                FullRanks(scorer, histories, Interacted(data, batchUsers), targetBuffer, itemCount, batchRanks.AsSpan(0, batch));
            }
            else
            {
                SampledRanks(scorer, histories, CandidateTensor(sampler, split, batchUsers, targetBuffer, device)).cpu().data<long>().CopyTo(batchRanks);
            }
            for (int j = 0; j < batch; j++)
            {
                ranks[order[start + j]] = batchRanks[j];
            }
        }

        return new EvaluationReport(protocol, split, options.Ks, users, ranks, tailItemTarget, tailUser, data.Fingerprint, options.LongTail);
    }

    /// <summary>
    /// The zero-based users in the order they are batched: grouped by history length (stable, so ties keep user
    /// order), so a batch of similar lengths carries little padding, which a scorer may trim. Every user's
    /// candidates and rank depend on that user alone, so the order changes no result.
    /// </summary>
    private static int[] BatchOrder(PreparedDataset data, DataSplit split, int historyLength) =>
        Enumerable.Range(0, data.UserCount)
            .OrderBy(u => Math.Min(historyLength, data.SplitOf(u + 1, split).History.Length))
            .ToArray();

    /// <summary>The distinct items of each user's whole sequence.</summary>
    private static int[][] Interacted(PreparedDataset data, ReadOnlySpan<int> batchUsers)
    {
        var distinct = new int[batchUsers.Length][];
        for (int j = 0; j < batchUsers.Length; j++)
        {
            distinct[j] = data.Sequences[batchUsers[j]].Distinct().ToArray();
        }
        return distinct;
    }

    /// <summary>Candidates [batch, N + 1]: the target first, then the user's N sampled negatives.</summary>
    private static Tensor CandidateTensor(EvaluationCandidateSampler sampler, DataSplit split, ReadOnlySpan<int> batchUsers, long[] targets, Device device)
    {
        int width = sampler.Negatives + 1;
        var buffer = new long[batchUsers.Length * width];
        for (int j = 0; j < batchUsers.Length; j++)
        {
            buffer[j * width] = targets[j];
            sampler.Sample(batchUsers[j] + 1, split, buffer.AsSpan(j * width + 1, sampler.Negatives));
        }
        return tensor(buffer, [batchUsers.Length, width], device: device);
    }

    /// <summary>
    /// Pessimistic ranks against every item the user never interacted with: the items scoring at least as high as
    /// the target over the whole catalogue, minus those among the user's distinct interacted items (the target among
    /// them) and padding column 0, counted without a sort or a [batch, items] mask (<see cref="FullRankCounter"/>).
    /// </summary>
    private static void FullRanks(IItemScorer scorer, Tensor histories, int[][] interacted, long[] targets, int itemCount, Span<long> ranks)
    {
        var scores = scorer.ScoreAll(histories);
        CheckShape(scores, histories.shape[0], itemCount + 1, nameof(IItemScorer.ScoreAll));
        FullRankCounter.Count(scores, targets.AsSpan(0, ranks.Length), interacted, ranks, nameof(IItemScorer.ScoreAll));
    }

    private static Tensor SampledRanks(IItemScorer scorer, Tensor histories, Tensor candidates)
    {
        long batch = histories.shape[0];
        long negatives = candidates.shape[1] - 1;
        var scores = scorer.ScoreCandidates(histories, candidates);
        CheckShape(scores, batch, negatives + 1, nameof(IItemScorer.ScoreCandidates));
        CheckNotNaN(scores, nameof(IItemScorer.ScoreCandidates));
        return scores.narrow(1, 1, negatives).ge(scores.narrow(1, 0, 1)).sum(1, type: ScalarType.Int64);
    }

    private static void CheckShape(Tensor scores, long batch, long columns, string method)
    {
        if (scores.dim() != 2 || scores.shape[0] != batch || scores.shape[1] != columns)
        {
            throw new InvalidOperationException($"{method} returned shape [{string.Join(", ", scores.shape)}]; expected [{batch}, {columns}].");
        }
    }

    private static void CheckNotNaN(Tensor scores, string method)
    {
        if (scores.isnan().any().item<bool>())
        {
            throw FullRankCounter.NaNScores(method);
        }
    }
}
