using LlmCfsr.Data;

namespace LlmCfsr.Prompts;

/// <summary>
/// Seeded generator of contrastive item views: each view keeps every rendered attribute piece ("brand is Bic",
/// <see cref="ItemPromptTemplate.Pieces"/>) independently with probability 1 - r and, optionally, shuffles the
/// kept ones (LLMEmb). Dropping works on what the template renders, so a view never "keeps" an attribute the
/// template leaves out. A view is never empty: a draw that drops every piece is redrawn, so views follow the
/// drop distribution conditioned on keeping at least one piece. <see cref="CreateViews"/> applies the same rule
/// to the raw attributes, for callers that render views themselves. Not thread-safe (one generator per
/// training loop).
/// </summary>
public sealed class AttributeViewGenerator
{
    private readonly AttributeViewOptions _options;
    private readonly Random _random;

    /// <summary>Creates a generator whose draws are fully determined by <paramref name="seed"/>.</summary>
    public AttributeViewGenerator(AttributeViewOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = new Random(seed);
    }

    /// <summary>The settings in use.</summary>
    public AttributeViewOptions Options => _options;

    /// <summary>Draws <see cref="AttributeViewOptions.ViewCount"/> views of <paramref name="item"/>'s non-blank attributes.</summary>
    public IReadOnlyList<ItemAttributes> CreateViews(ItemAttributes item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var present = item.Pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).ToArray();
        var views = new ItemAttributes[_options.ViewCount];
        for (int v = 0; v < views.Length; v++)
        {
            views[v] = present.Length == 0 ? ItemAttributes.Empty : new ItemAttributes(DrawView(present));
        }
        return views;
    }

    /// <summary>
    /// Draws <see cref="AttributeViewOptions.ViewCount"/> views of <paramref name="item"/>'s rendered pieces under
    /// <paramref name="template"/> and composes each into text.
    /// </summary>
    public IReadOnlyList<string> RenderViews(ItemAttributes item, ItemPromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(template);
        var pieces = template.Pieces(item).ToArray();
        var views = new string[_options.ViewCount];
        for (int v = 0; v < views.Length; v++)
        {
            views[v] = template.Compose(pieces.Length == 0 ? [] : DrawView(pieces));
        }
        return views;
    }

    /// <summary>
    /// Renders K views of each item for a contrastive batch, view-major: element [v][i] is view v of item i,
    /// so views[0] and views[1] are the two sides of a symmetric InfoNCE loss.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<string>> RenderBatch(IReadOnlyList<ItemAttributes> items, ItemPromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        var views = new string[_options.ViewCount][];
        for (int v = 0; v < views.Length; v++)
        {
            views[v] = new string[items.Count];
        }
        for (int i = 0; i < items.Count; i++)
        {
            var rendered = RenderViews(items[i], template);
            for (int v = 0; v < views.Length; v++)
            {
                views[v][i] = rendered[v];
            }
        }
        return views;
    }

    private List<T> DrawView<T>(T[] present)
    {
        var kept = new List<T>(present.Length);
        while (kept.Count == 0)
        {
            foreach (var pair in present)
            {
                if (_random.NextDouble() >= _options.DropProbability)
                {
                    kept.Add(pair);
                }
            }
        }
        if (_options.Shuffle)
        {
            var shuffled = kept.ToArray();
            _random.Shuffle(shuffled);
            return shuffled.ToList();
        }
        return kept;
    }
}
