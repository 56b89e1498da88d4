using TorchSharp;

namespace LlmCfsr.Losses;

/// <summary>Checks and unpacks the scores of a sampled-negative loss.</summary>
internal static class SampledScores
{
    public static (torch.Tensor Positive, torch.Tensor Negative) Of(RankingScores scores, string loss)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var positive = scores.Positive ?? throw new ArgumentException($"Loss '{loss}' needs positive scores [n].", nameof(scores));
        var negative = scores.Negative ?? throw new ArgumentException($"Loss '{loss}' needs negative scores [n, k].", nameof(scores));
        if (positive.dim() != 1 || negative.dim() != 2 || negative.shape[0] != positive.shape[0])
        {
            throw new ArgumentException(
                $"Loss '{loss}' needs positive scores [n] and negative scores [n, k]; got [{string.Join(", ", positive.shape)}] and [{string.Join(", ", negative.shape)}].",
                nameof(scores));
        }
        return (positive, negative);
    }
}
