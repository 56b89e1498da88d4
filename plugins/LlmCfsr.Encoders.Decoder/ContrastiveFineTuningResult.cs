namespace LlmCfsr.Encoders.Decoder;

/// <summary>What contrastive fine-tuning did.</summary>
/// <param name="Losses">Mean loss of each optimizer step (including steps done before a resume).</param>
/// <param name="Temperature">The learned temperature τ at the end.</param>
/// <param name="TrainableParameters">Number of trained scalars (LoRA weights and the temperature).</param>
/// <param name="ItemsUsed">Items with at least one non-empty attribute (the others cannot form views).</param>
/// <param name="ResumedFromStep">The checkpoint step training continued from (0: started fresh).</param>
public sealed record ContrastiveFineTuningResult(IReadOnlyList<double> Losses, double Temperature, long TrainableParameters, int ItemsUsed, int ResumedFromStep);
