namespace LlmCfsr.Recommendation;

/// <summary>
/// Which rows of an <see cref="IItemIndex"/> a search may return: those of <see cref="Allowed"/> (every row when
/// null) that are not in <see cref="Excluded"/>. Immutable once built; one filter may serve concurrent searches.
/// </summary>
public sealed class ItemFilter
{
    private static readonly IReadOnlySet<int> NoRows = new HashSet<int>();

    /// <summary>Creates a filter; null <paramref name="allowed"/> allows every row, null <paramref name="excluded"/> excludes none.</summary>
    public ItemFilter(IReadOnlySet<int>? allowed, IReadOnlySet<int>? excluded)
    {
        Allowed = allowed;
        Excluded = excluded ?? NoRows;
    }

    /// <summary>The rows a search may return, or null for every row.</summary>
    public IReadOnlySet<int>? Allowed { get; }

    /// <summary>Rows a search never returns.</summary>
    public IReadOnlySet<int> Excluded { get; }

    /// <summary>Whether row <paramref name="item"/> passes the filter.</summary>
    public bool Accepts(int item) => (Allowed is null || Allowed.Contains(item)) && !Excluded.Contains(item);
}
