
namespace LlmCfsr.Backbones.Tests;

/// <summary>Temporary folders for the tests (datasets come from <see cref="LlmCfsr.Testing.CyclicDataset"/>).</summary>
internal static class TestDatasets
{
    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmcfsr-backbones-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
