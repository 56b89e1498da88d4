namespace LlmCfsr.Models;

/// <summary>LLM-ESR's retrieval-augmented self-distillation, bound from "LlmCfsr:Models:LlmEsr" (defaults from the paper).</summary>
public sealed class LlmEsrOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Models:LlmEsr";

    /// <summary>Similar users retrieved per user by cosine similarity of their user embeddings; 10 in the paper.</summary>
    public int Neighbours { get; set; } = 10;

    /// <summary>Weight of the MSE between a user's representation and the mean of its neighbours'; 0.1 in the paper.</summary>
    public double DistillationWeight { get; set; } = 0.1;

    /// <summary>Heads of LLM-ESR's cross-attention (each direction); 2 as in the official code.</summary>
    public int CrossAttentionHeads { get; set; } = 2;
}
