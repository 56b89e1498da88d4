namespace LlmCfsr.Training;

/// <summary>The dataset a run was trained on, as recorded in <c>run.json</c>.</summary>
public sealed record RunDataset
{
    /// <summary>Dataset name.</summary>
    public required string Name { get; init; }

    /// <summary>Content fingerprint (<see cref="Data.PreparedDataset.Fingerprint"/>).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Number of users.</summary>
    public required int Users { get; init; }

    /// <summary>Number of items.</summary>
    public required int Items { get; init; }

    /// <summary>The prepared-dataset folder, when known.</summary>
    public string? Folder { get; init; }
}
