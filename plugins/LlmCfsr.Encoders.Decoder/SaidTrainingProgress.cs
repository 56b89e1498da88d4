namespace LlmCfsr.Encoders.Decoder;

/// <summary>Reported after each optimizer step of SAID's stage 1.</summary>
/// <param name="Step">Steps done (1-based, counting steps done before a resume).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Epoch">Pass over the items the step belongs to (1-based).</param>
/// <param name="Loss">Mean next-token loss of this step's micro-batches.</param>
/// <param name="ItemsPerSecond">Items trained per second in this run.</param>
/// <param name="Remaining">Estimated time to the last step at the current speed.</param>
/// <param name="CheckpointPath">The checkpoint folder written at this step, if any.</param>
public sealed record SaidTrainingProgress(int Step, int TotalSteps, int Epoch, double Loss, double ItemsPerSecond, TimeSpan Remaining, string? CheckpointPath);
