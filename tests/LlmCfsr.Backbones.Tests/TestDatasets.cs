using LlmCfsr.Data;

namespace LlmCfsr.Backbones.Tests;

/// <summary>Small synthetic datasets the tests build in memory.</summary>
internal static class TestDatasets
{
    /// <summary>
    /// Users walk a cycle over the catalogue: user u starts at a seeded random item and each next item is the
    /// previous id + 1 (wrapping), for 5..10 steps. The next item is fully determined by the last one, so a
    /// working sequential model learns it quickly.
    /// </summary>
    public static PreparedDataset Cyclic(int users = 60, int items = 40, int seed = 3)
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

    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmcfsr-backbones-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
