namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// What a pack of this clone needs to know the repository, so that its packages link to their sources: nothing when
/// <c>origin</c> is a network URL (SourceLink reads it); without a remote, a user-level git configuration naming a
/// test remote (SourceLink reads that too); when <c>origin</c> is a local path (a clone of a clone, as CI makes),
/// which SourceLink does not turn into a URL, the test URL as the global property <c>RepositoryUrl</c>.
/// </summary>
/// <param name="Environment">Environment variables for the pack command.</param>
/// <param name="RepositoryUrlProperty">The <c>RepositoryUrl</c> to pass to the pack, or null.</param>
/// <param name="TestRemoteUrl">The URL the packages must name when the pack used the test remote; otherwise null.</param>
/// <param name="Commit">The commit the packages must name: the clone's HEAD.</param>
internal sealed record PackRepository(IReadOnlyDictionary<string, string> Environment, string? RepositoryUrlProperty, string? TestRemoteUrl, string Commit)
{
    private const string TestRemote = "https://github.com/llmcfsr-packaging-test/LlmCfsr.git";

    /// <summary>Inspects the clone; a user-level git configuration, when one is needed, goes below <paramref name="scratchFolder"/>.</summary>
    public static PackRepository For(string scratchFolder, DotnetCommand command)
    {
        string commit = command.Run(BuildInfo.RepositoryRoot, "git", "rev-parse", "HEAD").Succeeded().Output.Trim();
        string origin = command.Run(BuildInfo.RepositoryRoot, "git", "config", "--get", "remote.origin.url").Output.Trim();
        if (origin.Contains("://", StringComparison.Ordinal) || origin.StartsWith("git@", StringComparison.Ordinal))
        {
            return new PackRepository(new Dictionary<string, string>(), null, null, commit);
        }
        if (origin.Length > 0)
        {
            return new PackRepository(new Dictionary<string, string>(), TestRemote, TestRemote, commit);
        }
        var gitConfig = Directory.CreateDirectory(Path.Combine(scratchFolder, "xdg", "git")).FullName;
        File.WriteAllText(Path.Combine(gitConfig, "config"), $"[remote \"origin\"]\n\turl = {TestRemote}\n");
        return new PackRepository(new Dictionary<string, string> { ["XDG_CONFIG_HOME"] = Path.GetDirectoryName(gitConfig)! }, null, TestRemote, commit);
    }
}
