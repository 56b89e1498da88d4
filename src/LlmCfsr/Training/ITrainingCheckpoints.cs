using LlmCfsr.Models;
using TorchSharp.Modules;

namespace LlmCfsr.Training;

/// <summary>
/// Where <see cref="RecommenderTrainer"/> keeps what outlives an epoch: the best weights and, for a run directory, the
/// checkpoint a resumed run continues from (<see cref="TrainingRun"/>); <see cref="InMemoryBestWeights"/> when the
/// caller fits a model without a run directory.
/// </summary>
internal interface ITrainingCheckpoints
{
    /// <summary>Restores the model and optimizer of the last completed epoch and returns its state, or null to start afresh.</summary>
    TrainerState? Restore(SequentialRecommender model, OptimizerHelper optimizer);

    /// <summary>Keeps epoch <paramref name="state"/>.Epoch's outcome; when <paramref name="improved"/> the model's weights become the best ones.</summary>
    void EpochCompleted(TrainerState state, SequentialRecommender model, OptimizerHelper optimizer, bool improved);

    /// <summary>Loads the best weights kept so far into <paramref name="model"/>.</summary>
    void LoadBest(SequentialRecommender model);
}
