using LlmCfsr.Data;

namespace LlmCfsr.Training;

/// <summary>What to train on, how, and where the run lives.</summary>
public sealed record TrainingRequest
{
    /// <summary>The prepared dataset.</summary>
    public required PreparedDataset Dataset { get; init; }

    /// <summary>The prepared-dataset folder it was loaded from, recorded so <c>llmcfsr evaluate</c> finds it again; optional.</summary>
    public string? DatasetFolder { get; init; }

    /// <summary>The run's settings.</summary>
    public required TrainingOptions Options { get; init; }

    /// <summary>The options the model is built from, saved in <c>run.json</c>; null takes the registration's (<see cref="Models.IRecommenderModelFactory.Options"/>).</summary>
    public Models.RecommenderModelOptions? ModelOptions { get; init; }

    /// <summary>The run directory (created if missing).</summary>
    public required string RunDirectory { get; init; }

    /// <summary>What to do when the directory already holds a run.</summary>
    public TrainingRunMode Mode { get; init; } = TrainingRunMode.New;
}
