namespace LlmCfsr.Recommendation;

/// <summary>
/// Builds an <see cref="IItemIndex"/> over item vectors. Registered by name in dependency injection
/// (<c>AddExactItemIndex()</c>, <c>AddUSearchItemIndex()</c>); the recommender builds its index through it.
/// </summary>
public interface IItemIndexFactory
{
    /// <summary>The name it is registered under (e.g. "exact").</summary>
    string Name { get; }

    /// <summary>Builds an index over <paramref name="items"/>; the index may keep a reference to the table.</summary>
    IItemIndex Build(ItemVectors items);
}
