using LlmCfsr.Data;

namespace LlmCfsr.Comparison;

/// <summary>Every run of a comparison, in model-then-seed order, with what is needed to tabulate and chart them.</summary>
public sealed record ComparisonResult
{
    /// <summary>The dataset the runs were trained and tested on.</summary>
    public required PreparedDataset Dataset { get; init; }

    /// <summary>Model names in report order.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>The seeds.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Test protocols in canonical text ("sampled:100", "full"); the first one drove early stopping.</summary>
    public required IReadOnlyList<string> Protocols { get; init; }

    /// <summary>One entry per model and seed.</summary>
    public required IReadOnlyList<ComparisonRun> Runs { get; init; }

    /// <summary>The paper-style table of <paramref name="protocol"/> (see <see cref="ComparisonTable.Build"/>).</summary>
    public ComparisonTable Table(string protocol) => ComparisonTable.Build(Models, Runs, protocol);
}
