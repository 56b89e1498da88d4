namespace LlmCfsr.Models.Tests;

/// <summary>
/// A trained run's full-ranking NDCG@10 on the test split (overall and tail items), and for dual-view models the mean
/// spread over the catalogue of each view's share of the score (<see cref="FullRankingTailRuns"/>).
/// </summary>
public sealed record FullRankingRun(double Overall, double Tail, double SemanticSpread, double CollaborativeSpread, int Epochs)
{
    /// <inheritdoc />
    public override string ToString() => FormattableString.Invariant(
        $"full NDCG@10 overall {Overall:F4}, tail-item {Tail:F4}, epochs {Epochs}, score spread semantic {SemanticSpread:F3} / collaborative {CollaborativeSpread:F3}");
}
