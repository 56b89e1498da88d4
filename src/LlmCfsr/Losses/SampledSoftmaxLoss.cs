using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>
/// "sampled-softmax": cross-entropy of the positive against its k sampled negatives,
/// -s+ + log(exp(s+) + sum_k exp(s-_k)), averaged over rows. Negatives are drawn uniformly, so the log-Q
/// correction is the same constant for every candidate and cancels.
/// </summary>
internal sealed class SampledSoftmaxLoss : IRankingLoss
{
    /// <summary>Creates the loss with the configured negative count.</summary>
    public SampledSoftmaxLoss(IOptions<RankingLossOptions> options) => NegativeSamples = options.Value.SampledSoftmaxNegatives;

    /// <inheritdoc />
    public string Name => "sampled-softmax";

    /// <inheritdoc />
    public RankingLossInput Input => RankingLossInput.SampledNegatives;

    /// <inheritdoc />
    public int NegativeSamples { get; }

    /// <inheritdoc />
    public Tensor Compute(RankingScores scores)
    {
        var (positive, negative) = SampledScores.Of(scores, Name);
        using var scope = NewDisposeScope();
        var logits = cat(new[] { positive.unsqueeze(1), negative }, 1);
        return (logits.logsumexp(1) - positive).mean().MoveToOuterDisposeScope();
    }
}
