namespace LlmCfsr.Evaluation;

/// <summary>
/// Walker's alias method (Vose's stable construction): after O(n) set-up, draws index i with probability
/// weight[i] / sum(weight) in O(1) from one uniform integer and one uniform double.
/// </summary>
internal sealed class AliasTable
{
    private readonly double[] _probability;
    private readonly int[] _alias;

    /// <summary>Builds the table of non-negative <paramref name="weights"/> with a positive sum.</summary>
    public AliasTable(IReadOnlyList<double> weights)
    {
        int n = weights.Count;
        double total = weights.Sum();
        if (n == 0 || !(total > 0) || weights.Any(w => w < 0 || double.IsNaN(w)))
        {
            throw new ArgumentException("Alias-table weights must be non-negative with a positive sum.", nameof(weights));
        }
        _probability = new double[n];
        _alias = new int[n];
        var scaled = weights.Select(w => w * n / total).ToArray();
        var small = new Stack<int>();
        var large = new Stack<int>();
        for (int i = n - 1; i >= 0; i--)
        {
            (scaled[i] < 1 ? small : large).Push(i);
        }
        while (small.Count > 0 && large.Count > 0)
        {
            int less = small.Pop();
            int more = large.Pop();
            _probability[less] = scaled[less];
            _alias[less] = more;
            scaled[more] = scaled[more] + scaled[less] - 1;
            (scaled[more] < 1 ? small : large).Push(more);
        }
        // What is left has probability 1 up to rounding.
        foreach (int i in large.Concat(small))
        {
            _probability[i] = 1;
            _alias[i] = i;
        }
    }

    /// <summary>One draw from <paramref name="random"/>.</summary>
    public int Draw(ref CandidateRandom random)
    {
        int column = random.Below(_probability.Length);
        return random.NextDouble() < _probability[column] ? column : _alias[column];
    }
}
