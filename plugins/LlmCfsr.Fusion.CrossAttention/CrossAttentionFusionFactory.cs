namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>Creates <see cref="CrossAttentionFusion"/> modules; registered as "cross-attention".</summary>
internal sealed class CrossAttentionFusionFactory : IFusionFactory
{
    /// <summary>The registration name.</summary>
    public const string RegisteredName = "cross-attention";

    /// <inheritdoc />
    public string Name => RegisteredName;

    /// <inheritdoc />
    public IFusion Create(FusionSettings settings) => new CrossAttentionFusion(settings);
}
