using LlmCfsr.Recommendation;
using Microsoft.Extensions.Options;

namespace LlmCfsr.ItemIndex.USearch;

/// <summary>Builds <see cref="USearchItemIndex"/>es with the bound options; registered as "usearch".</summary>
internal sealed class USearchItemIndexFactory : IItemIndexFactory
{
    private readonly IOptions<USearchItemIndexOptions> _options;

    /// <summary>Creates the factory over the bound and validated options.</summary>
    public USearchItemIndexFactory(IOptions<USearchItemIndexOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public string Name => USearchItemIndex.IndexName;

    /// <inheritdoc />
    public IItemIndex Build(ItemVectors items) => new USearchItemIndex(items, _options.Value);
}
