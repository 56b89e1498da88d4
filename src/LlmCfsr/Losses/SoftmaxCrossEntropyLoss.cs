using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>"ce": softmax cross-entropy over the whole catalogue, mean over rows of -log softmax(logits)[target].</summary>
internal sealed class SoftmaxCrossEntropyLoss : IRankingLoss
{
    /// <inheritdoc />
    public string Name => "ce";

    /// <inheritdoc />
    public RankingLossInput Input => RankingLossInput.FullLogits;

    /// <inheritdoc />
    public int NegativeSamples => 0;

    /// <inheritdoc />
    public Tensor Compute(RankingScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var logits = scores.Logits ?? throw new ArgumentException("Loss 'ce' needs logits [n, items].", nameof(scores));
        var targets = scores.Targets ?? throw new ArgumentException("Loss 'ce' needs target indices [n].", nameof(scores));
        if (logits.dim() != 2 || targets.dim() != 1 || targets.shape[0] != logits.shape[0])
        {
            throw new ArgumentException(
                $"Loss 'ce' needs logits [n, items] and targets [n]; got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", targets.shape)}].",
                nameof(scores));
        }
        return nn.functional.cross_entropy(logits, targets.to(ScalarType.Int64));
    }
}
