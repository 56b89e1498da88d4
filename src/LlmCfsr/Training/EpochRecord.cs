namespace LlmCfsr.Training;

/// <summary>What one epoch produced; kept in the run's history.</summary>
public sealed record EpochRecord
{
    /// <summary>Epoch, 1-based.</summary>
    public required int Epoch { get; init; }

    /// <summary>Mean training loss.</summary>
    public required double Loss { get; init; }

    /// <summary>Training throughput.</summary>
    public required double SequencesPerSecond { get; init; }

    /// <summary>Overall validation metrics.</summary>
    public required IReadOnlyDictionary<string, double> Validation { get; init; }
}
