namespace LlmCfsr.Training;

/// <summary>
/// A progress report: one after every step (<see cref="Validation"/> null) and one after every epoch's
/// validation (<see cref="Validation"/> set).
/// </summary>
public sealed record TrainingProgress
{
    /// <summary>Epoch, 1-based.</summary>
    public required int Epoch { get; init; }

    /// <summary>The maximum number of epochs.</summary>
    public required int Epochs { get; init; }

    /// <summary>Steps done in this epoch.</summary>
    public required int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public required int StepsPerEpoch { get; init; }

    /// <summary>Mean training loss over the epoch so far.</summary>
    public required double Loss { get; init; }

    /// <summary>Training sequences per second over the epoch so far.</summary>
    public required double SequencesPerSecond { get; init; }

    /// <summary>Validation metrics of the overall group (e.g. "NDCG@10"), after the epoch's validation.</summary>
    public IReadOnlyDictionary<string, double>? Validation { get; init; }
}
