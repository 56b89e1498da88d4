using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>"bpr", Bayesian personalised ranking: mean over rows and negatives of -log sigma(s+ - s-_k).</summary>
internal sealed class BprLoss : IRankingLoss
{
    /// <summary>Creates the loss with the configured negative count and distribution.</summary>
    public BprLoss(IOptions<RankingLossOptions> options)
    {
        NegativeSamples = options.Value.BprNegatives;
        NegativeDistribution = options.Value.NegativeDistribution;
    }

    /// <inheritdoc />
    public string Name => "bpr";

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
        return (-nn.functional.logsigmoid(positive.unsqueeze(1) - negative)).mean().MoveToOuterDisposeScope();
    }
}
