using TorchSharp;

namespace LlmCfsr.Losses;

/// <summary>
/// A ranking objective. Sampled losses (BCE, BPR, sampled softmax) take positive scores [n] and negative
/// scores [n, k]; full losses (softmax cross-entropy) take logits over the whole catalogue [n, items] and
/// targets [n]. The trainer asks <see cref="Input"/> which scores to compute. Rows are already restricted to
/// valid (non-padding) positions. Returns a scalar (mean over rows).
/// </summary>
public interface IRankingLoss
{
    /// <summary>The name the loss is registered under (e.g. "bpr").</summary>
    string Name { get; }

    /// <summary>Which scores the loss needs.</summary>
    RankingLossInput Input { get; }

    /// <summary>Negatives per positive for sampled losses (ignored for full losses).</summary>
    int NegativeSamples { get; }

    /// <summary>How the trainer draws the negatives of a sampled loss (uniformly unless the loss says otherwise).</summary>
    NegativeDistribution NegativeDistribution => NegativeDistribution.Uniform;

    /// <summary>Computes the loss from the scores the trainer prepared.</summary>
    torch.Tensor Compute(RankingScores scores);
}
