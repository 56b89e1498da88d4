using LlmCfsr.Data;

namespace LlmCfsr.Prompts;

/// <summary>
/// Seeded generator of contrastive item views: each view keeps every attribute independently with
/// probability 1 - r and, optionally, shuffles the kept ones (LLMEmb). Attributes with blank values carry
/// no text and are never part of a view. A view is never empty: a draw that drops every attribute is
/// redrawn, so views follow the drop distribution conditioned on keeping at least one attribute.
/// Not thread-safe (one generator per training loop).
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

    /// <summary>Draws <see cref="AttributeViewOptions.ViewCount"/> views of <paramref name="item"/>.</summary>
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

    /// <summary>Draws the views of <paramref name="item"/> and renders each with <paramref name="template"/>.</summary>
    public IReadOnlyList<string> RenderViews(ItemAttributes item, ItemPromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return CreateViews(item).Select(template.Render).ToArray();
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

    private List<KeyValuePair<string, string>> DrawView(KeyValuePair<string, string>[] present)
    {
        var kept = new List<KeyValuePair<string, string>>(present.Length);
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
