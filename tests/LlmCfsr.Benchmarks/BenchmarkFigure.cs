namespace LlmCfsr.Benchmarks;

/// <summary>One measured figure: what, its value and unit, and how it was obtained.</summary>
internal sealed record BenchmarkFigure(string Name, double Value, string Unit, string Detail = "");
