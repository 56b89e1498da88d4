namespace LlmCfsr.Fusion;

/// <summary>Creates fusion modules; registered under a name on the DI builder.</summary>
public interface IFusionFactory
{
    /// <summary>The registration name (e.g. "cross-attention", "concat").</summary>
    string Name { get; }

    /// <summary>Creates a fusion with fresh parameters on the CPU.</summary>
    IFusion Create(FusionSettings settings);
}
