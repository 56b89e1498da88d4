namespace LlmCfsr.Fusion;

/// <summary>The sizes a model asks of a fusion when it creates one.</summary>
public sealed record FusionSettings
{
    /// <summary>Size of each view's embeddings.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Attention heads (attention-based fusion only).</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Dropout probability.</summary>
    public double Dropout { get; init; } = 0.2;
}
