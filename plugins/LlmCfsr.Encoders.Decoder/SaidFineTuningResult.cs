namespace LlmCfsr.Encoders.Decoder;

/// <summary>What SAID's stage 1 did and learned.</summary>
/// <param name="Losses">Mean next-token loss of each optimizer step (including steps done before a resume).</param>
/// <param name="ItemEmbeddings">The learned item-id embeddings, row-major [items, <paramref name="Dimension"/>]; row i - 1 is item id i.</param>
/// <param name="Dimension">Size of an item embedding.</param>
/// <param name="TrainableParameters">Number of trained scalars (id table, projector and any LoRA weights).</param>
/// <param name="ItemsUsed">Items with a non-empty text (the others keep their initial embedding).</param>
/// <param name="ResumedFromStep">The checkpoint step training continued from (0: started fresh).</param>
public sealed record SaidFineTuningResult(IReadOnlyList<double> Losses, float[] ItemEmbeddings, int Dimension, long TrainableParameters, int ItemsUsed, int ResumedFromStep);
