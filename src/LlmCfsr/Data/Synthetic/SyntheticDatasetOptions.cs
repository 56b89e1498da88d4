namespace LlmCfsr.Data.Synthetic;

/// <summary>Settings of <see cref="SyntheticDatasetGenerator"/>.</summary>
public sealed class SyntheticDatasetOptions
{
    /// <summary>Number of users; default 1,000.</summary>
    public int Users { get; init; } = 1000;

    /// <summary>Number of items; default 500.</summary>
    public int Items { get; init; } = 500;

    /// <summary>Number of latent topics; default 12.</summary>
    public int Topics { get; init; } = 12;

    /// <summary>Mean sequence length (lengths are 3 + an exponential draw, so most users are short); default 10.</summary>
    public double MeanSequenceLength { get; init; } = 10;

    /// <summary>Longest sequence; default 100.</summary>
    public int MaxSequenceLength { get; init; } = 100;

    /// <summary>Exponent s of the Zipf-like popularity weight 1 / rank^s; default 1.1.</summary>
    public double ZipfExponent { get; init; } = 1.1;

    /// <summary>Probability that the next item stays in the current topic; default 0.5.</summary>
    public double TopicStayProbability { get; init; } = 0.5;

    /// <summary>Probability that a topic change follows the current topic's successor list (else a favourite topic); default 0.8.</summary>
    public double SuccessorProbability { get; init; } = 0.8;

    /// <summary>
    /// Items per sequential pattern; default 0 (no patterns). When positive, each topic's items are split at random into
    /// patterns of this many items, so a pattern mixes popular and rare items, as real catalogues tie a rarely bought item
    /// to best-sellers it is bought with (an accessory after its device, a refill after its pen). With
    /// <see cref="PatternProbability"/> the next item comes from the last item's pattern: a rare item's neighbours in the
    /// sequences then say which item it is, which context-based tail methods (MELT, CITIES) rely on.
    /// </summary>
    public int PatternSize { get; init; }

    /// <summary>Probability that the next item is an unseen item of the last item's pattern (drawn proportionally to popularity) instead of the topic walk; default 0. Needs <see cref="PatternSize"/>.</summary>
    public double PatternProbability { get; init; }

    /// <summary>Seed; the same seed and options give the same dataset. Default 42.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (Users < 1 || Items < 3 || Topics < 2 || Topics > Items)
        {
            throw new ArgumentException($"Need Users >= 1, Items >= 3 and 2 <= Topics <= Items; got {Users}, {Items}, {Topics}.");
        }
        if (MeanSequenceLength < 3 || MaxSequenceLength < 3)
        {
            throw new ArgumentException($"MeanSequenceLength and MaxSequenceLength must be at least 3; got {MeanSequenceLength}, {MaxSequenceLength}.");
        }
        if (ZipfExponent < 0 || TopicStayProbability is < 0 or > 1 || SuccessorProbability is < 0 or > 1)
        {
            throw new ArgumentException("ZipfExponent must be >= 0 and the probabilities in [0, 1].");
        }
        if (PatternSize < 0 || PatternProbability is < 0 or > 1 || (PatternProbability > 0 && PatternSize < 2))
        {
            throw new ArgumentException($"PatternSize must be >= 0, PatternProbability in [0, 1], and a positive PatternProbability needs PatternSize >= 2; got {PatternSize}, {PatternProbability}.");
        }
    }
}
