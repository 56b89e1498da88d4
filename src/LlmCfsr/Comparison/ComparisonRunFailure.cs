namespace LlmCfsr.Comparison;

/// <summary>A seed of a model whose run failed.</summary>
/// <param name="Seed">The seed.</param>
/// <param name="Error">Exception type and message.</param>
public sealed record ComparisonRunFailure(int Seed, string Error);
