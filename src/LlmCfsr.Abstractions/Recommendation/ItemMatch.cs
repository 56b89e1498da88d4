namespace LlmCfsr.Recommendation;

/// <summary>One result of an <see cref="IItemIndex"/> search: the item's row and its inner product with the query.</summary>
public readonly record struct ItemMatch(int Item, float Score);
