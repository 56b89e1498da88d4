using LlmCfsr.Recommendation;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds the exact item index and resolves item indexes by name.</summary>
public static class ExactItemIndexBuilderExtensions
{
    /// <summary>Registers item index "exact" (<see cref="ExactItemIndexFactory"/>), the default of recommenders.</summary>
    public static ILlmCfsrBuilder AddExactItemIndex(this ILlmCfsrBuilder builder)
        => builder.AddItemIndex<ExactItemIndexFactory>(ExactItemIndex.IndexName);

    /// <summary>The item-index factory registered as <paramref name="name"/>; the error lists the registered names.</summary>
    public static IItemIndexFactory ItemIndex(this ComponentCatalog catalog, string name)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        var known = catalog.Names(ComponentKind.ItemIndex);
        if (!known.Contains(ComponentRegistration.NormalizeName(name)))
        {
            throw new KeyNotFoundException(
                $"No item index is registered as '{name}'. Registered: {(known.Count == 0 ? "none (add one, e.g. builder.AddExactItemIndex())" : string.Join(", ", known))}.");
        }
        return catalog.Resolve<IItemIndexFactory>(ComponentKind.ItemIndex, name);
    }
}
