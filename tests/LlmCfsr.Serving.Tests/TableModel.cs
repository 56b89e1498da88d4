using LlmCfsr.Recommendation;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// A stand-in model with a seeded Gaussian item table and user vector = recency-weighted sum of the history's
/// item vectors (weight 1 for the newest, halving with age): deterministic, so brute force is an exact reference.
/// </summary>
internal sealed class TableModel : IVectorScoringModel
{
    private readonly float[] _table;

    public TableModel(int items, int dimensions, int seed)
    {
        var random = new Random(seed);
        _table = new float[items * dimensions];
        for (int i = 0; i < _table.Length; i++)
        {
            _table[i] = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }
        ItemCount = items;
        Dimensions = dimensions;
    }

    public int ItemCount { get; }

    public int Dimensions { get; }

    public static IReadOnlyList<string> SourceIds(int items) => [.. Enumerable.Range(1, items).Select(id => $"item-{id}")];

    public ItemVectors ItemVectors() => new((float[])_table.Clone(), Dimensions);

    public float[] UserVectors(IReadOnlyList<long[]> histories)
    {
        var users = new float[histories.Count * Dimensions];
        for (int h = 0; h < histories.Count; h++)
        {
            var user = UserVector(histories[h]);
            Array.Copy(user, 0, users, h * Dimensions, Dimensions);
        }
        return users;
    }

    public float[] UserVector(long[] history)
    {
        Assert.NotEmpty(history);
        var user = new float[Dimensions];
        float weight = 1;
        for (int i = history.Length - 1; i >= 0; i--, weight /= 2)
        {
            Assert.InRange(history[i], 1, ItemCount);
            for (int j = 0; j < Dimensions; j++)
            {
                user[j] += weight * _table[((history[i] - 1) * Dimensions) + j];
            }
        }
        return user;
    }

    /// <summary>Every item scored in double precision, best first, among the accepted ones: the reference ranking.</summary>
    public List<(string Id, double Score)> BruteForce(long[] history, Func<long, bool> accept)
    {
        var user = UserVector(history);
        return Enumerable.Range(1, ItemCount)
            .Where(id => accept(id))
            .Select(id => ($"item-{id}", Enumerable.Range(0, Dimensions).Sum(j => (double)user[j] * _table[((id - 1) * Dimensions) + j])))
            .OrderByDescending(m => m.Item2)
            .ToList();
    }
}
