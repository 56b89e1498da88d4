namespace LlmCfsr.Comparison;

/// <summary>One model's row of a <see cref="ComparisonTable"/>.</summary>
public sealed record ComparisonTableRow
{
    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Seeds whose runs succeeded and were averaged.</summary>
    public required IReadOnlyList<int> SucceededSeeds { get; init; }

    /// <summary>Seeds whose runs failed, with their errors.</summary>
    public required IReadOnlyList<ComparisonRunFailure> Failures { get; init; }

    /// <summary>One cell per table column; null for every column when no run succeeded.</summary>
    public required IReadOnlyList<ComparisonCell?> Cells { get; init; }

    /// <summary>Epochs each succeeded run trained (aligned with <see cref="SucceededSeeds"/>); null where the run records no manifest.</summary>
    public IReadOnlyList<int?> EpochsRun { get; init; } = [];

    /// <summary>Succeeded seeds whose training ended at the epoch cap before patience ran out (<see cref="Training.RunManifest.Converged"/> false).</summary>
    public IReadOnlyList<int> UnconvergedSeeds { get; init; } = [];

    /// <summary>Whether every succeeded run converged; cells of an unconverged row are marked in the reports.</summary>
    public bool Converged => UnconvergedSeeds.Count == 0;

    /// <summary>Number of runs (succeeded and failed).</summary>
    public int Runs => SucceededSeeds.Count + Failures.Count;
}
