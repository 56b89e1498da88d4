using LlmCfsr.Fusion.CrossAttention;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the fusion modules of this package on the LlmCfsr builder.</summary>
public static class FusionBuilderExtensions
{
    /// <summary>Adds "cross-attention" (LLM-CFSR, LLM-ESR) and "concat" (the no-cross-attention ablation).</summary>
    public static ILlmCfsrBuilder AddCrossAttentionFusion(this ILlmCfsrBuilder builder)
        => builder.AddFusion<CrossAttentionFusionFactory>(CrossAttentionFusionFactory.RegisteredName)
                  .AddFusion<ConcatenationFusionFactory>(ConcatenationFusionFactory.RegisteredName);
}
