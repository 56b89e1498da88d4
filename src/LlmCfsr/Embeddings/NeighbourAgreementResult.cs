namespace LlmCfsr.Embeddings;

/// <summary>The result of <see cref="NeighbourLabelAgreement.Compute"/>.</summary>
/// <param name="Items">Rows in the catalogue.</param>
/// <param name="Labels">Distinct labels.</param>
/// <param name="K">Neighbours of <paramref name="PrecisionAtK"/>.</param>
/// <param name="Outcomes">One outcome per checked item (label shared by another item), in row order.</param>
/// <param name="AtOne">Share of checked items whose nearest neighbour has the same label.</param>
/// <param name="PrecisionAtK">Mean share of same-label items among the k nearest neighbours.</param>
public sealed record NeighbourAgreementResult(int Items, int Labels, int K, IReadOnlyList<ItemNeighbourOutcome> Outcomes, double AtOne, double PrecisionAtK);
