using LlmCfsr.ItemIndex.USearch;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds the approximate USearch (HNSW) item index to the SDK.</summary>
public static class USearchBuilderExtensions
{
    /// <summary>
    /// Registers item index "usearch". Options bind from "LlmCfsr:ItemIndex:USearch", then
    /// <paramref name="configure"/> runs.
    /// </summary>
    public static ILlmCfsrBuilder AddUSearchItemIndex(this ILlmCfsrBuilder builder, Action<USearchItemIndexOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<USearchItemIndexOptions, USearchItemIndexOptionsValidator>(USearchItemIndexOptions.Section, configure);
        return builder.AddItemIndex<USearchItemIndexFactory>(USearchItemIndex.IndexName);
    }
}
