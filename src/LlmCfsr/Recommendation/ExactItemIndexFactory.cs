namespace LlmCfsr.Recommendation;

/// <summary>Builds <see cref="ExactItemIndex"/>es; registered as "exact" by <c>AddExactItemIndex()</c>.</summary>
internal sealed class ExactItemIndexFactory : IItemIndexFactory
{
    /// <inheritdoc />
    public string Name => ExactItemIndex.IndexName;

    /// <inheritdoc />
    public IItemIndex Build(ItemVectors items) => new ExactItemIndex(items);
}
