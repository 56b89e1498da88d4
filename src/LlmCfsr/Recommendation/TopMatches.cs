namespace LlmCfsr.Recommendation;

/// <summary>
/// Keeps the k best (score, row) pairs seen so far: a min-heap whose root is the worst kept match. Equal scores
/// rank the lower row first, so exact results are deterministic.
/// </summary>
internal sealed class TopMatches
{
    private static readonly Comparer<ItemMatch> WorseFirst = Comparer<ItemMatch>.Create(
        (a, b) => a.Score != b.Score ? a.Score.CompareTo(b.Score) : b.Item.CompareTo(a.Item));

    private readonly PriorityQueue<ItemMatch, ItemMatch> _heap;
    private readonly int _k;

    public TopMatches(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        _k = k;
        _heap = new PriorityQueue<ItemMatch, ItemMatch>(k + 1, WorseFirst);
    }

    public void Offer(int item, float score)
    {
        if (float.IsNaN(score))
        {
            return;
        }
        var match = new ItemMatch(item, score);
        if (_heap.Count < _k)
        {
            _heap.Enqueue(match, match);
        }
        else if (WorseFirst.Compare(match, _heap.Peek()) > 0)
        {
            _heap.EnqueueDequeue(match, match);
        }
    }

    /// <summary>The kept matches, best first.</summary>
    public IReadOnlyList<ItemMatch> ToList()
    {
        var result = new ItemMatch[_heap.Count];
        for (int i = result.Length - 1; i >= 0; i--)
        {
            result[i] = _heap.Dequeue();
        }
        return result;
    }
}
