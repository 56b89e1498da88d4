namespace LlmCfsr.Models;

/// <summary>What a model that trains by its own schedule (<see cref="SequentialRecommender.TrainOnOwnSchedule"/>) did.</summary>
public sealed record OwnScheduleResult
{
    /// <summary>Epochs of the model's own schedule that were run.</summary>
    public required int Epochs { get; init; }

    /// <summary>The epoch whose weights the model kept.</summary>
    public required int BestEpoch { get; init; }

    /// <summary>The loss the schedule stops on (e.g. CITIES's held-out MSE), at <see cref="BestEpoch"/>.</summary>
    public required double BestLoss { get; init; }

    /// <summary>Whether the schedule stopped because that loss stopped improving, rather than at its epoch limit.</summary>
    public required bool Converged { get; init; }

    /// <summary>What the schedule optimised, for logs (e.g. "held-out head-item MSE").</summary>
    public required string LossName { get; init; }
}
