namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// The micro-batches of a SAID stage-1 run, fixed in advance from the seed: each epoch shuffles the items with text
/// (a generator seeded by (seed, epoch)) and packs consecutive items while the micro-batch stays within the item
/// limit and the padded-position budget (items × (context + longest text)), so resuming repeats them exactly.
/// </summary>
internal sealed class SaidBatchPlan
{
    private readonly List<int[]> _microBatches = new(); // item ids
    private readonly List<int> _epochOf = new();
    private readonly int _accumulation;

    public SaidBatchPlan(IReadOnlyList<int[]> texts, int[] eligibleItemIds, int contextLength, SaidFineTuningOptions options)
    {
        _accumulation = options.GradientAccumulationSteps;
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            var order = (int[])eligibleItemIds.Clone();
            new Random(unchecked(options.Seed * 7919 + epoch)).Shuffle(order);
            var current = new List<int>();
            int longest = 0;
            foreach (var item in order)
            {
                int length = contextLength + texts[item - 1].Length;
                int newLongest = Math.Max(longest, length);
                if (current.Count >= options.BatchSize || (options.TokenBudget > 0 && current.Count > 0 && (long)(current.Count + 1) * newLongest > options.TokenBudget))
                {
                    _microBatches.Add(current.ToArray());
                    _epochOf.Add(epoch);
                    current.Clear();
                    newLongest = length;
                }
                current.Add(item);
                longest = newLongest;
            }
            if (current.Count > 0)
            {
                _microBatches.Add(current.ToArray());
                _epochOf.Add(epoch);
            }
        }
        int steps = (_microBatches.Count + _accumulation - 1) / _accumulation;
        TotalSteps = options.MaxSteps > 0 ? Math.Min(options.MaxSteps, steps) : steps;
    }

    /// <summary>Optimizer steps the run makes.</summary>
    public int TotalSteps { get; }

    /// <summary>Global indices of the micro-batches accumulated into optimizer step <paramref name="step"/> (0-based).</summary>
    public IReadOnlyList<int> MicroBatchesOfStep(int step)
    {
        int first = step * _accumulation;
        return Enumerable.Range(first, Math.Min(_accumulation, _microBatches.Count - first)).ToArray();
    }

    /// <summary>The 0-based epoch optimizer step <paramref name="step"/> (0-based) starts in.</summary>
    public int EpochOfStep(int step) => _epochOf[step * _accumulation];

    /// <summary>Item ids of micro-batch <paramref name="micro"/>.</summary>
    public int[] Items(int micro) => _microBatches[micro];
}
