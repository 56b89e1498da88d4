using TorchSharp;

namespace LlmCfsr.Scoring;

/// <summary>
/// What evaluation needs of a trained model: scores of items given users' histories. Histories are int64
/// [batch, length], left-padded with 0, item ids 1..ItemCount. Implementations run without gradients.
/// </summary>
public interface IItemScorer
{
    /// <summary>Number of items; ids run from 1 to ItemCount (0 is padding).</summary>
    int ItemCount { get; }

    /// <summary>Scores of the given candidates [batch, candidates] (int64) for each history. Returns [batch, candidates].</summary>
    torch.Tensor ScoreCandidates(torch.Tensor histories, torch.Tensor candidates);

    /// <summary>Scores of every item for each history: [batch, ItemCount + 1], column 0 (padding) is meaningless.</summary>
    torch.Tensor ScoreAll(torch.Tensor histories);
}
