namespace LlmCfsr.Benchmarks;

/// <summary>One named group of figures (peak, train, eval, embed, memory).</summary>
internal interface IBenchmarkSuite
{
    string Name { get; }

    string Description { get; }

    /// <summary>Measures and returns the figures; <paramref name="report"/> holds figures of suites run earlier (e.g. the peak).</summary>
    IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report);
}
