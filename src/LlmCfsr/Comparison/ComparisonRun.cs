using LlmCfsr.Evaluation;
using LlmCfsr.Training;

namespace LlmCfsr.Comparison;

/// <summary>The outcome of training and evaluating one model with one seed.</summary>
public sealed record ComparisonRun
{
    /// <summary>Registered model name.</summary>
    public required string Model { get; init; }

    /// <summary>Seed of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>The run directory.</summary>
    public required string RunDirectory { get; init; }

    /// <summary>The run manifest (options, per-epoch history); null when the run failed before writing one.</summary>
    public RunManifest? Manifest { get; init; }

    /// <summary>Test reports of the best weights keyed by protocol text ("sampled:100", "full"); empty when the run failed.</summary>
    public IReadOnlyDictionary<string, EvaluationReport> Reports { get; init; } = new Dictionary<string, EvaluationReport>();

    /// <summary>Why the run failed (exception type and message); null when it succeeded.</summary>
    public string? Error { get; init; }

    /// <summary>Whether a completed run found in the report directory was reused instead of retrained.</summary>
    public bool Reused { get; init; }

    /// <summary>Whether the run succeeded.</summary>
    public bool Succeeded => Error is null;
}
