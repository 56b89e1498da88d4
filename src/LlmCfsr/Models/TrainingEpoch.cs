namespace LlmCfsr.Models;

/// <summary>Where the trainer stands when it calls <see cref="SequentialRecommender.OnEpochStarting"/> and <see cref="SequentialRecommender.OnEpochTrained"/>.</summary>
public sealed record TrainingEpoch
{
    /// <summary>The epoch, counted from 1.</summary>
    public required int Number { get; init; }

    /// <summary>The most epochs the run may train (<c>TrainingOptions.Epochs</c>; early stopping may end it sooner).</summary>
    public required int Count { get; init; }

    /// <summary>Optimisation steps (training batches) in this epoch.</summary>
    public required int Steps { get; init; }
}
