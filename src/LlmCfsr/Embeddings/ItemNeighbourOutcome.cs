namespace LlmCfsr.Embeddings;

/// <summary>Whether item <paramref name="Item"/> (0-based row)'s nearest neighbour shares its label, and the share of its k nearest that do.</summary>
public sealed record ItemNeighbourOutcome(int Item, bool NearestAgrees, double PrecisionAtK);
