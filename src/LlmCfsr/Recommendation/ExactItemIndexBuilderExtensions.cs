using LlmCfsr.Recommendation;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds the exact item index.</summary>
public static class ExactItemIndexBuilderExtensions
{
    /// <summary>Registers item index "exact" (<see cref="ExactItemIndexFactory"/>), the default of recommenders.</summary>
    public static ILlmCfsrBuilder AddExactItemIndex(this ILlmCfsrBuilder builder)
        => builder.AddItemIndex<ExactItemIndexFactory>(ExactItemIndex.IndexName);
}
