using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison;

/// <summary>The best model of a column, its runner-up, and the paired t-test of the best against the runner-up.</summary>
/// <param name="Column">The column.</param>
/// <param name="Best">Model with the highest mean; null when no model has a value.</param>
/// <param name="RunnerUp">Model with the second-highest mean; null with fewer than two models with values.</param>
/// <param name="Test">The test over per-user values pooled over the seeds both models completed; null when it could not be computed.</param>
/// <param name="Note">Why there is no test; null when there is one.</param>
public sealed record ComparisonSignificance(ComparisonColumn Column, string? Best, string? RunnerUp, PairedTTestResult? Test, string? Note);
