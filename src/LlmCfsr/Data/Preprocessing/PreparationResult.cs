namespace LlmCfsr.Data.Preprocessing;

/// <summary>A prepared dataset and the report of how it was obtained.</summary>
/// <param name="Dataset">The prepared dataset.</param>
/// <param name="Report">What each step removed.</param>
public sealed record PreparationResult(PreparedDataset Dataset, PreparationReport Report);
