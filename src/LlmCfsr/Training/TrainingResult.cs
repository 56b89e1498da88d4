using LlmCfsr.Evaluation;
using LlmCfsr.Models;

namespace LlmCfsr.Training;

/// <summary>The outcome of <see cref="RecommenderTrainer.Train"/>; disposing it disposes the model.</summary>
public sealed record TrainingResult : IDisposable
{
    /// <summary>The model with the best validation weights, in evaluation mode; the caller disposes it.</summary>
    public required SequentialRecommender Model { get; init; }

    /// <summary>The run manifest as written to <c>run.json</c>.</summary>
    public required RunManifest Manifest { get; init; }

    /// <summary>The test report written to <c>metrics.json</c>.</summary>
    public required EvaluationReport Test { get; init; }

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
