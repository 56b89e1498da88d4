using LlmCfsr.Data;
using LlmCfsr.Prompts;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// The micro-batches of a CFT run, fixed in advance from the seed: each epoch shuffles the items and draws their
/// views with generators seeded by (seed, epoch) (LLMEmb's shuffle-and-drop pairs for SCFT), tokenises them, and packs consecutive items while the micro-batch
/// stays within the item limit and the padded-token budget (items × K × longest view). A micro-batch always holds at
/// least two items, since the other items are the negatives; a lone last item joins the previous micro-batch.
/// </summary>
internal sealed class MicroBatchPlan
{
    private readonly List<int[][][]> _microBatches = new(); // [micro][item][view] token ids
    private readonly List<int> _epochOf = new();
    private readonly int _accumulation;

    public MicroBatchPlan(ITrainableTextEncoder encoder, IReadOnlyList<ItemAttributes> items, int[] eligible, ItemPromptTemplate template,
        AttributeViewOptions views, ContrastiveFineTuningOptions options)
    {
        ItemCount = eligible.Length;
        _accumulation = options.GradientAccumulationSteps;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = (int[])eligible.Clone();
            new Random(unchecked(options.Seed * 7919 + epoch)).Shuffle(order);
            int viewSeed = unchecked(options.Seed * 104729 + epoch);
            var generator = new AttributeViewGenerator(views, viewSeed);
            var shuffleDrop = new ShuffleDropViews(viewSeed);
            IEnumerable<string> Render(ItemAttributes item)
            {
                if (options.Objective != ContrastiveObjective.Scft)
                {
                    return generator.RenderViews(item, template);
                }
                var (first, second) = shuffleDrop.CreatePair(item);
                return [template.Render(first), template.Render(second)];
            }
            var current = new List<int[][]>();
            int longest = 0;
            foreach (var item in order)
            {
                var tokens = Render(items[item]).Select(text => encoder.Tokenize(text, options.MaxTokens)).ToArray();
                int newLongest = Math.Max(longest, tokens.Max(t => t.Length));
                bool full = current.Count >= options.BatchSize
                            || (options.TokenBudget > 0 && current.Count >= 2 && (long)(current.Count + 1) * views.ViewCount * newLongest > options.TokenBudget);
                if (full)
                {
                    Close(current, epoch);
                    current = new List<int[][]>();
                    newLongest = tokens.Max(t => t.Length);
                }
                current.Add(tokens);
                longest = newLongest;
            }
            if (current.Count == 1 && _epochOf.Count > 0 && _epochOf[^1] == epoch)
            {
                _microBatches[^1] = _microBatches[^1].Concat(current).ToArray();
            }
            else if (current.Count > 0)
            {
                Close(current, epoch);
            }
        }
        int steps = (_microBatches.Count + _accumulation - 1) / _accumulation;
        TotalSteps = options.MaxSteps > 0 ? Math.Min(options.MaxSteps, steps) : steps;
    }

    /// <summary>Items that can form views.</summary>
    public int ItemCount { get; }

    /// <summary>Optimizer steps the run makes.</summary>
    public int TotalSteps { get; }

    /// <summary>Number of micro-batches over all epochs.</summary>
    public int MicroBatchCount => _microBatches.Count;

    /// <summary>Global indices of the micro-batches accumulated into optimizer step <paramref name="step"/> (0-based).</summary>
    public IReadOnlyList<int> MicroBatchesOfStep(int step)
    {
        int first = step * _accumulation;
        return Enumerable.Range(first, Math.Min(_accumulation, _microBatches.Count - first)).ToArray();
    }

    /// <summary>The 0-based epoch optimizer step <paramref name="step"/> (0-based) starts in.</summary>
    public int EpochOfStep(int step) => _epochOf[step * _accumulation];

    /// <summary>Token ids of micro-batch <paramref name="micro"/>, view-major: [view][item].</summary>
    public IReadOnlyList<IReadOnlyList<int[]>> Tokens(int micro)
    {
        var batch = _microBatches[micro];
        int viewCount = batch[0].Length;
        return Enumerable.Range(0, viewCount).Select(v => (IReadOnlyList<int[]>)batch.Select(item => item[v]).ToArray()).ToArray();
    }

    private void Close(List<int[][]> batch, int epoch)
    {
        _microBatches.Add(batch.ToArray());
        _epochOf.Add(epoch);
    }
}
