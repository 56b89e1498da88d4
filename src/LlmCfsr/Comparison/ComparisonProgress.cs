using LlmCfsr.Training;

namespace LlmCfsr.Comparison;

/// <summary>Progress of a comparison: which run is going on, and the trainer's progress inside it.</summary>
public sealed record ComparisonProgress
{
    /// <summary>Model of the current run.</summary>
    public required string Model { get; init; }

    /// <summary>Seed of the current run.</summary>
    public required int Seed { get; init; }

    /// <summary>1-based index of the current run.</summary>
    public required int Run { get; init; }

    /// <summary>Number of runs in the comparison (teacher runs that were not asked for are not counted).</summary>
    public required int Runs { get; init; }

    /// <summary>The trainer's progress, when training; null for the other events.</summary>
    public TrainingProgress? Training { get; init; }

    /// <summary>The finished run, on the event that reports its end; null otherwise.</summary>
    public ComparisonRun? Finished { get; init; }
}
