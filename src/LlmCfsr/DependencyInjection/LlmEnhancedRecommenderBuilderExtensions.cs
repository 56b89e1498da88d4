using LlmCfsr.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the LLM-enhanced recommenders (LLM-CFSR, its ablations and the LLM-based baselines).</summary>
public static class LlmEnhancedRecommenderBuilderExtensions
{
    /// <summary>
    /// Registers models "llm-cfsr", "llm-cfsr-no-cft", "llm-cfsr-no-semantic", "llm-cfsr-no-collaborative",
    /// "llm-cfsr-no-cross-attention", "llm-cfsr-no-sharing", "llm-esr", "llmemb", "llm2x", "said" and "llminit"
    /// (an alias of "said"). Options bind from "LlmCfsr:Models" (backbone, adapter dropout),
    /// "LlmCfsr:Models:LlmEsr" and "LlmCfsr:Models:LlmEmb"; <paramref name="configure"/> runs after binding.
    /// The models resolve their backbone and the fusions "cross-attention" and "concat" by name when created,
    /// so register those too (e.g. <c>.AddSasRec().AddCrossAttentionFusion()</c>).
    /// </summary>
    public static ILlmCfsrBuilder AddLlmEnhancedRecommenders(this ILlmCfsrBuilder builder, Action<LlmEnhancedModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<LlmEnhancedModelOptions, LlmEnhancedModelOptionsValidator>(LlmEnhancedModelOptions.Section, configure);
        builder.AddValidatedOptions<LlmEsrOptions, LlmEnhancedModelOptionsValidator>(LlmEsrOptions.Section);
        builder.AddValidatedOptions<LlmEmbOptions, LlmEnhancedModelOptionsValidator>(LlmEmbOptions.Section);
        foreach (var (name, variant) in DualViewVariant.Registered)
        {
            // LLM-ESR keeps its own cross-attention heads; LLM-CFSR, its ablations and our variant share the paper's.
            builder.AddRecommenderModel(name, services =>
            {
                var options = services.GetRequiredService<IOptions<LlmEnhancedModelOptions>>().Value;
                var esr = services.GetRequiredService<IOptions<LlmEsrOptions>>().Value;
                return name == DualViewVariant.LlmEsr
                    ? new DualViewRecommenderFactory(name, variant, options, esr.CrossAttentionHeads, esr)
                    : new DualViewRecommenderFactory(name, variant, options, options.CrossAttentionHeads);
            });
        }
        return builder
            .AddRecommenderModel<Llm2XRecommenderFactory>(Llm2XRecommenderFactory.RegisteredName)
            .AddRecommenderModel<LlmInitRecommenderFactory>("said")
            .AddRecommenderModel<LlmInitRecommenderFactory>("llminit")
            .AddRecommenderModel<LlmEmbRecommenderFactory>(LlmEmbRecommenderFactory.RegisteredName);
    }
}
