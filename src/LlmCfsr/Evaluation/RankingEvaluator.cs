using LlmCfsr.Data;
using LlmCfsr.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Evaluation;

/// <summary>
/// Ranks every user's held-out item (validation or test) with an <see cref="IItemScorer"/>, batched on tensors.
/// The user's interacted set is the whole sequence (for validation this includes the test item, as in
/// SASRec/LLM-ESR): sampled negatives never come from it, and full ranking excludes it except the target.
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
        if (protocol.Kind != EvaluationProtocolKind.Full)
        {
            CheckEnoughNegatives(data, protocol.Negatives);
        }

        var users = new int[userCount];
        var ranks = new long[userCount];
        var tailItemTarget = new bool[userCount];
        var tailUser = new bool[userCount];
        var device = options.Device;

        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator((ulong)options.Seed, device);
        // log(popularity) per item; -inf for padding, so the Gumbel-top-k trick samples proportional to popularity.
        Tensor? logPopularity = protocol.Kind == EvaluationProtocolKind.Popularity
            ? tensor(groups.ItemPopularity.Select(p => (float)p).ToArray(), device: device).log_()
            : null;

        var order = BatchOrder(data, split, protocol, historyLength);
        var batchRanks = new long[Math.Min(options.BatchSize, userCount)];
        for (int start = 0; start < userCount; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(options.BatchSize, userCount - start);
            using var scope = NewDisposeScope();

            int longest = 0;
            for (int j = 0; j < batch; j++)
            {
                longest = Math.Max(longest, data.Sequences[order[start + j]].Length);
            }
            var historyBuffer = new long[batch * historyLength];
            var sequenceBuffer = new long[batch * longest];
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
                var sequence = data.Sequences[user - 1];
                for (int k = 0; k < sequence.Length; k++)
                {
                    sequenceBuffer[j * longest + k] = sequence[k];
                }
                targetBuffer[j] = target;
                users[index] = user;
                tailItemTarget[index] = groups.IsTailItem[target];
                tailUser[index] = groups.IsTailUser[user];
            }

            var histories = tensor(historyBuffer, [batch, historyLength], device: device);
            var sequences = tensor(sequenceBuffer, [batch, longest], device: device);
            var targets = tensor(targetBuffer, [batch, 1], device: device);
            // Interacted items per user; column 0 (padding) is marked too so it is never a candidate.
            var interacted = zeros([batch, itemCount + 1], ScalarType.Bool, device);
            interacted.scatter_(1, sequences, ones_like(sequences, ScalarType.Bool));
            interacted[TensorIndex.Colon, 0] = tensor(true, device: device);

            Tensor rank = protocol.Kind == EvaluationProtocolKind.Full
                ? FullRanks(scorer, histories, targets, interacted, itemCount)
                : SampledRanks(scorer, histories, targets, interacted, protocol.Negatives, generator, logPopularity);
            rank.cpu().data<long>().CopyTo(batchRanks);
            for (int j = 0; j < batch; j++)
            {
                ranks[order[start + j]] = batchRanks[j];
            }
        }

        return new EvaluationReport(protocol, split, options.Ks, users, ranks, tailItemTarget, tailUser, data.Fingerprint);
    }

    /// <summary>
    /// The zero-based users in the order they are batched. Full ranking is deterministic per user, so users are
    /// grouped by history length (stable, so ties keep user order): a batch of similar lengths carries little
    /// padding, which a scorer may trim. Sampled protocols draw each batch's candidates from one random stream,
    /// so they keep user order and the candidates stay those of earlier versions for a given seed.
    /// </summary>
    private static int[] BatchOrder(PreparedDataset data, DataSplit split, EvaluationProtocol protocol, int historyLength)
    {
        var order = Enumerable.Range(0, data.UserCount).ToArray();
        if (protocol.Kind == EvaluationProtocolKind.Full)
        {
            order = order.OrderBy(u => Math.Min(historyLength, data.SplitOf(u + 1, split).History.Length)).ToArray();
        }
        return order;
    }

    private static Tensor FullRanks(IItemScorer scorer, Tensor histories, Tensor targets, Tensor interacted, int itemCount)
    {
        var scores = scorer.ScoreAll(histories);
        CheckShape(scores, histories.shape[0], itemCount + 1, nameof(IItemScorer.ScoreAll));
        CheckNotNaN(scores, nameof(IItemScorer.ScoreAll));
        var targetScores = scores.gather(1, targets);
        // Candidates are the items the user never interacted with; the target (interacted) is thereby excluded too.
        return scores.ge(targetScores).logical_and_(interacted.logical_not()).sum(1, type: ScalarType.Int64);
    }

    private static Tensor SampledRanks(IItemScorer scorer, Tensor histories, Tensor targets, Tensor interacted, int negatives, Generator generator, Tensor? logPopularity)
    {
        long batch = histories.shape[0];
        // Uniform keys + top-k = uniform sampling without replacement; log-popularity + Gumbel keys + top-k =
        // sampling without replacement proportional to popularity (Gumbel-top-k).
        var keys = rand([batch, interacted.shape[1]], ScalarType.Float32, histories.device, generator: generator);
        if (logPopularity is not null)
        {
            keys = keys.clamp_min_(1e-20f).log_().neg_().log_().neg_().add_(logPopularity);
        }
        keys = keys.masked_fill_(interacted, float.NegativeInfinity);
        var sampled = keys.topk(negatives, dim: 1, largest: true, sorted: false).indexes;
        var candidates = cat([targets, sampled], 1);
        var scores = scorer.ScoreCandidates(histories, candidates);
        CheckShape(scores, batch, negatives + 1, nameof(IItemScorer.ScoreCandidates));
        CheckNotNaN(scores, nameof(IItemScorer.ScoreCandidates));
        return scores.narrow(1, 1, negatives).ge(scores.narrow(1, 0, 1)).sum(1, type: ScalarType.Int64);
    }

    private static void CheckEnoughNegatives(PreparedDataset data, int negatives)
    {
        for (int u = 0; u < data.UserCount; u++)
        {
            int available = data.ItemCount - data.Sequences[u].Distinct().Count();
            if (available < negatives)
            {
                throw new ArgumentException($"User {u + 1} ('{data.UserSourceIds[u]}') interacted with all but {available} of {data.ItemCount} items; cannot sample {negatives} negatives. Use fewer negatives or the full protocol.");
            }
        }
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
            throw new InvalidOperationException($"{method} returned NaN scores; ranks would be meaningless.");
        }
    }
}
