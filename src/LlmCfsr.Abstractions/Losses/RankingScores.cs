using TorchSharp;

namespace LlmCfsr.Losses;

/// <summary>Scores handed to an <see cref="IRankingLoss"/>; which members are set follows <see cref="IRankingLoss.Input"/>.</summary>
public sealed record RankingScores
{
    /// <summary>Positive scores [n] (sampled losses).</summary>
    public torch.Tensor? Positive { get; init; }

    /// <summary>Negative scores [n, k] (sampled losses).</summary>
    public torch.Tensor? Negative { get; init; }

    /// <summary>Logits [n, items] (full losses).</summary>
    public torch.Tensor? Logits { get; init; }

    /// <summary>Target column per row [n], int64 (full losses).</summary>
    public torch.Tensor? Targets { get; init; }

    /// <summary>Scores for a sampled loss.</summary>
    public static RankingScores Sampled(torch.Tensor positive, torch.Tensor negative) => new() { Positive = positive, Negative = negative };

    /// <summary>Scores for a full loss.</summary>
    public static RankingScores Full(torch.Tensor logits, torch.Tensor targets) => new() { Logits = logits, Targets = targets };
}
