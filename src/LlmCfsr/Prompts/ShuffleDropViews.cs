using LlmCfsr.Data;

namespace LlmCfsr.Prompts;

/// <summary>
/// The two contrastive views of LLMEmb's SCFT (official code): each view is the item's K attributes (those with
/// text) in an independently shuffled order with the last ⌊fraction·K⌋ of that order dropped, so both views keep
/// exactly K − ⌊fraction·K⌋ attributes (all of them when K·fraction &lt; 1). Seeded; not thread-safe.
/// </summary>
public sealed class ShuffleDropViews
{
    /// <summary>The fraction of attributes LLMEmb drops from each view.</summary>
    public const double LlmEmbDropFraction = 0.4;

    private readonly Random _random;

    /// <summary>Creates a generator whose draws are fully determined by <paramref name="seed"/>.</summary>
    public ShuffleDropViews(int seed, double dropFraction = LlmEmbDropFraction)
    {
        if (double.IsNaN(dropFraction) || dropFraction < 0 || dropFraction >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropFraction), dropFraction, "The dropped fraction of attributes must be in [0, 1).");
        }
        DropFraction = dropFraction;
        _random = new Random(seed);
    }

    /// <summary>The fraction of each view's attributes dropped (rounded down to a whole count).</summary>
    public double DropFraction { get; }

    /// <summary>The two views of <paramref name="item"/>.</summary>
    public (ItemAttributes First, ItemAttributes Second) CreatePair(ItemAttributes item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var present = item.Pairs.Where(p => !string.IsNullOrWhiteSpace(p.Value)).ToArray();
        int keep = present.Length - (int)Math.Floor(present.Length * DropFraction);
        return (View(present, keep), View(present, keep));
    }

    /// <summary>Renders the two views of each item with <paramref name="template"/>, view-major ([0][i] and [1][i] are item i's pair).</summary>
    public IReadOnlyList<IReadOnlyList<string>> RenderBatch(IReadOnlyList<ItemAttributes> items, ItemPromptTemplate template)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(template);
        var first = new string[items.Count];
        var second = new string[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var (a, b) = CreatePair(items[i]);
            (first[i], second[i]) = (template.Render(a), template.Render(b));
        }
        return [first, second];
    }

    private ItemAttributes View(KeyValuePair<string, string>[] present, int keep)
    {
        var shuffled = (KeyValuePair<string, string>[])present.Clone();
        _random.Shuffle(shuffled);
        return new ItemAttributes(shuffled.Take(keep));
    }
}
