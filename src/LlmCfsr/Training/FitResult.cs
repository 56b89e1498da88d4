namespace LlmCfsr.Training;

/// <summary>The outcome of <see cref="RecommenderTrainer.Fit(Models.SequentialRecommender, Data.PreparedDataset, TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>; the model itself holds the best weights.</summary>
public sealed record FitResult
{
    /// <summary>The ranking loss trained with (after resolving an unset <see cref="TrainingOptions.Loss"/>).</summary>
    public required string Loss { get; init; }

    /// <summary>The objective trained with (after resolving <see cref="TrainingObjective.Auto"/>).</summary>
    public required TrainingObjective Objective { get; init; }

    /// <summary>Per-epoch loss, throughput and validation metrics.</summary>
    public required IReadOnlyList<EpochRecord> History { get; init; }

    /// <summary>The epoch whose weights the model holds (best validation NDCG@10).</summary>
    public required int BestEpoch { get; init; }

    /// <summary>Whether validation stopped improving before the epoch limit.</summary>
    public required bool StoppedEarly { get; init; }
}
