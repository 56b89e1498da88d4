using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the LLM-enhanced recommenders (LLM-CFSR, its ablations and the LLM-based baselines).</summary>
public static class LlmEnhancedRecommenderBuilderExtensions
{
    /// <summary>
    /// Registers models "llm-cfsr" and its ablations and variant (<see cref="LlmCfsrVariants"/>, options
    /// <see cref="LlmCfsrModelOptions"/>), "llm-esr" (<see cref="LlmEsrOptions"/>), "llmemb" (<see cref="LlmEmbOptions"/>),
    /// "llm2x" (<see cref="Llm2XOptions"/>), "said" (<see cref="SaidOptions"/>: SAID's stage 2 over its stage-1 item embeddings)
    /// and "llminit" (<see cref="LlmInitOptions"/>). Each binds its options
    /// from "LlmCfsr:Models" then "LlmCfsr:Models:NAME"; change them in code with <c>services.Configure&lt;TOptions&gt;(name, ...)</c>.
    /// The models resolve their backbone and their fusion ("cross-attention", "concat") by name when created, so register
    /// those too (e.g. <c>.AddSasRec().AddCrossAttentionFusion()</c>).
    /// </summary>
    public static ILlmCfsrBuilder AddLlmEnhancedRecommenders(this ILlmCfsrBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var (name, defaults) in LlmCfsrVariants.Registered)
        {
            builder.AddRecommenderModel<LlmCfsrModelOptions>(name, (options, inputs, components) => DualViewRecommender.Create(name, options, inputs, components), defaults);
        }
        return builder
            .AddRecommenderModel<LlmEsrOptions>(LlmCfsrVariants.LlmEsr, (options, inputs, components) => DualViewRecommender.Create(LlmCfsrVariants.LlmEsr, options, inputs, components))
            .AddRecommenderModel<Llm2XOptions>("llm2x", (options, inputs, components) => Llm2XRecommender.Create("llm2x", options, inputs, components))
            .AddRecommenderModel<SaidOptions>("said", (options, inputs, components) => SaidRecommender.Create("said", options, inputs, components))
            .AddRecommenderModel<LlmInitOptions>("llminit", (options, inputs, components) => IdOnlyRecommender.CreateLlmInit("llminit", options, inputs, components))
            .AddRecommenderModel<LlmEmbOptions>("llmemb", (options, inputs, components) => LlmEmbRecommender.Create("llmemb", options, inputs, components));
    }
}
