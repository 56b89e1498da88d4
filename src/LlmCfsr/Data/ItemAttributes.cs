namespace LlmCfsr.Data;

/// <summary>
/// An item's text attributes as ordered (name, value) pairs, e.g. ("title", "Stapler"), ("brand", "Swingline").
/// Order is kept as read from the source: prompt templates render attributes in this order.
/// </summary>
public sealed class ItemAttributes
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    /// <summary>An item with no attributes.</summary>
    public static ItemAttributes Empty { get; } = new(Array.Empty<KeyValuePair<string, string>>());

    /// <summary>Creates the attribute list; names must be non-empty, values non-null.</summary>
    public ItemAttributes(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        _pairs = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            if (string.IsNullOrWhiteSpace(pair.Key))
            {
                throw new ArgumentException("Attribute names must not be empty.", nameof(pairs));
            }
            _pairs.Add(new KeyValuePair<string, string>(pair.Key, pair.Value ?? throw new ArgumentException($"Attribute '{pair.Key}' has a null value.", nameof(pairs))));
        }
    }

    /// <summary>The pairs in source order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>
    /// Attributes that hold an item's display name, in the order they are tried: Amazon's and most sources'
    /// "title", Yelp's and generic "name", RecBole MovieLens' "movie_title", and two common column names.
    /// </summary>
    public static IReadOnlyList<string> DisplayNameAttributes { get; } = ["title", "name", "movie_title", "item_name", "product_name"];

    /// <summary>The first non-blank value of <see cref="DisplayNameAttributes"/>, trimmed, or null when the item has none.</summary>
    public string? DisplayName
    {
        get
        {
            foreach (var name in DisplayNameAttributes)
            {
                if (this[name] is { } value && !string.IsNullOrWhiteSpace(value))
                {
                    return value.Trim();
                }
            }
            return null;
        }
    }

    /// <summary>Whether any attribute has a non-blank value (the item has text to embed).</summary>
    public bool HasText => _pairs.Exists(p => !string.IsNullOrWhiteSpace(p.Value));

    /// <summary>Number of attributes.</summary>
    public int Count => _pairs.Count;

    /// <summary>The first value of attribute <paramref name="name"/> (case-insensitive), or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var pair in _pairs)
            {
                if (string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase))
                {
                    return pair.Value;
                }
            }
            return null;
        }
    }
}
