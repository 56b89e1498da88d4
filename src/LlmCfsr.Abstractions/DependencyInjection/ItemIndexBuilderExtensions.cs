using LlmCfsr.Recommendation;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registration of item indexes, for plugin authors' own <c>Add*</c> extension methods.</summary>
public static class ItemIndexBuilderExtensions
{
    /// <summary>Registers an item-index factory under <paramref name="name"/> (first registration of a name wins).</summary>
    public static ILlmCfsrBuilder AddItemIndex<TFactory>(this ILlmCfsrBuilder builder, string name)
        where TFactory : class, IItemIndexFactory
        => builder.AddComponent<IItemIndexFactory, TFactory>(ComponentKind.ItemIndex, name);
}
