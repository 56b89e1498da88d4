using System.Reflection;

namespace LlmCfsr.Packaging.Tests;

/// <summary>Where the repository is and how it was built, as recorded when this test assembly was built.</summary>
internal static class BuildInfo
{
    public static string RepositoryRoot { get; } = Metadata("RepositoryRoot");

    public static string Configuration { get; } = Metadata("Configuration");

    private static string Metadata(string key)
        => typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value
           ?? throw new InvalidOperationException($"Assembly metadata '{key}' is empty.");
}
