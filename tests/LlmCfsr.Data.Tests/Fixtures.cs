namespace LlmCfsr.Data.Tests;

/// <summary>Temporary folders and small datasets written by the tests.</summary>
internal static class Fixtures
{
    public static string NewFolder()
    {
        string folder = Path.Combine(Path.GetTempPath(), "llmcfsr-data-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static string Write(string folder, string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return path;
    }

    public static string WriteGzip(string folder, string name, string text)
    {
        string path = Path.Combine(folder, name);
        using var file = File.Create(path);
        using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest);
        using var writer = new StreamWriter(gzip);
        writer.Write(text.ReplaceLineEndings("\n"));
        return path;
    }

    /// <summary>
    /// Two users over six items: user "a" = [1, 2, 3], user "b" = [4, 5, 6] (dense ids equal source order).
    /// Items 1-3 have attributes "title" = "t1".."t3"; items 4-6 as well.
    /// </summary>
    public static PreparedDataset TwoUsers() => new(
        "two-users",
        ["a", "b"],
        ["i1", "i2", "i3", "i4", "i5", "i6"],
        [[1, 2, 3], [4, 5, 6]],
        Enumerable.Range(1, 6).Select(i => new ItemAttributes([new("title", $"t{i}")])).ToArray());
}
