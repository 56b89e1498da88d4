namespace LlmCfsr.Evaluation;

/// <summary>Outcome of a paired t-test of A against B.</summary>
/// <param name="T">t statistic of the mean difference A - B (positive when A is higher).</param>
/// <param name="DegreesOfFreedom">Number of pairs minus one.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="MeanDifference">Mean of A - B.</param>
/// <param name="Pairs">Number of pairs.</param>
public sealed record PairedTTestResult(double T, int DegreesOfFreedom, double PValue, double MeanDifference, int Pairs);
