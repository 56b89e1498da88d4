using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>
/// "bce", SASRec's objective: per row -log sigma(s+) - sum_k log(1 - sigma(s-_k)), averaged over rows. With one
/// negative this is exactly the reference implementation's positive plus negative binary cross-entropy.
/// </summary>
internal sealed class BinaryCrossEntropyLoss : IRankingLoss
{
    /// <summary>Creates the loss with the configured negative count and distribution.</summary>
    public BinaryCrossEntropyLoss(IOptions<RankingLossOptions> options)
    {
        NegativeSamples = options.Value.BceNegatives;
        NegativeDistribution = options.Value.NegativeDistribution;
    }

    /// <inheritdoc />
    public string Name => "bce";

    /// <inheritdoc />
    public RankingLossInput Input => RankingLossInput.SampledNegatives;

    /// <inheritdoc />
    public int NegativeSamples { get; }

    /// <inheritdoc />
    public NegativeDistribution NegativeDistribution { get; }

    /// <inheritdoc />
    public Tensor Compute(RankingScores scores)
    {
        var (positive, negative) = SampledScores.Of(scores, Name);
        using var scope = NewDisposeScope();
        // log(1 - sigma(x)) = log sigma(-x), computed stably.
        var perRow = -nn.functional.logsigmoid(positive) - nn.functional.logsigmoid(-negative).sum(1);
        return perRow.mean().MoveToOuterDisposeScope();
    }
}
