namespace LlmCfsr.Encoders.Decoder;

/// <summary>Reported after each optimizer step of contrastive fine-tuning.</summary>
/// <param name="Step">Steps done (1-based).</param>
/// <param name="TotalSteps">Steps planned.</param>
/// <param name="Loss">Mean loss of this step's micro-batches.</param>
/// <param name="Temperature">Current learnable temperature τ.</param>
/// <param name="CheckpointPath">The adapter folder written at this step, if any.</param>
public sealed record ContrastiveTrainingProgress(int Step, int TotalSteps, double Loss, double Temperature, string? CheckpointPath);
