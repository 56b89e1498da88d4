using LlmCfsr.Data;

namespace LlmCfsr.Testing;

/// <summary>
/// A small dataset every working sequential model learns quickly, for model and trainer tests: users walk a
/// cycle over the catalogue from a seeded random start for 5..10 steps, each next item being the previous id + 1
/// (wrapping), so the next item is fully determined by the last one.
/// </summary>
public static class CyclicDataset
{
    /// <summary>Creates the dataset with <paramref name="users"/> users over <paramref name="items"/> items.</summary>
    public static PreparedDataset Create(int users = 60, int items = 40, int seed = 3)
    {
        var random = new Random(seed);
        var sequences = new List<int[]>();
        for (int u = 0; u < users; u++)
        {
            int start = random.Next(items);
            int length = 5 + random.Next(6);
            sequences.Add(Enumerable.Range(0, length).Select(k => (start + k) % items + 1).ToArray());
        }
        return new PreparedDataset(
            "cyclic",
            Enumerable.Range(1, users).Select(u => $"u{u}").ToArray(),
            Enumerable.Range(1, items).Select(i => $"i{i}").ToArray(),
            sequences,
            Enumerable.Range(0, items).Select(_ => ItemAttributes.Empty).ToArray());
    }
}
