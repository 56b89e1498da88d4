namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>Creates <see cref="ConcatenationFusion"/> modules; registered as "concat".</summary>
internal sealed class ConcatenationFusionFactory : IFusionFactory
{
    /// <summary>The registration name.</summary>
    public const string RegisteredName = "concat";

    /// <inheritdoc />
    public string Name => RegisteredName;

    /// <inheritdoc />
    public IFusion Create(FusionSettings settings) => new ConcatenationFusion();
}
