using System.IO.Compression;
using System.Xml.Linq;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// Every package of the repository packed (from the build this test ran after, without rebuilding) into a
/// temporary feed, under a version no earlier run used, so that no stale copy in a package cache is ever
/// restored. Restores extract the feed's packages into a temporary package folder and take third-party
/// packages from the machine's package folder. Everything is deleted on dispose.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public PackageFeed()
    {
        Root = Directory.CreateTempSubdirectory("llmcfsr-packages-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Packages = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;
        // A stable four-part version (so `dotnet add package` takes it without --prerelease) that grows with time.
        Version = $"0.1.0.{(long)(DateTime.UtcNow - new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds}";
        Command = new DotnetCommand(Packages);

        var remote = RepositoryRemote();
        var traversal = Path.Combine(Root, "pack.proj");
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>
                <PackedProject Include="{BuildInfo.RepositoryRoot}src/*/*.csproj;{BuildInfo.RepositoryRoot}plugins/*/*.csproj"
                               Exclude="{BuildInfo.RepositoryRoot}src/LlmCfsr.Cli/*.csproj" />
              </ItemGroup>
              <Target Name="Pack">
                <MSBuild Projects="@(PackedProject)" Targets="Pack"
                         Properties="NoBuild=true;Configuration={BuildInfo.Configuration};Version={Version};PackageOutputPath={Feed}{(remote.RepositoryUrl is null ? "" : $";RepositoryUrl={remote.RepositoryUrl}")}" />
              </Target>
            </Project>
            """);
        new DotnetCommand(Packages, remote.Environment).Run(Root, DotnetCommand.Dotnet, "msbuild", traversal, "-t:Pack", "-nologo", "-v:m").Succeeded();

        var machinePackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("add", new XAttribute("key", "llmcfsr-test-feed"), new XAttribute("value", Feed))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages)))))
            .Save(Path.Combine(Root, "nuget.config"));
        Directory.CreateDirectory(Path.Combine(Root, "apps"));
    }

    /// <summary>
    /// In a clone without an <c>origin</c> remote, or whose <c>origin</c> is a local path (a clone of a clone, as CI
    /// makes), the repository URL given to the pack, which the packages must name as their repository; otherwise null.
    /// </summary>
    public string? TestRemoteUrl { get; private set; }

    /// <summary>The temporary folder; consumer projects go in <c>apps/</c> below it, beside its nuget.config.</summary>
    public string Root { get; }

    public string Feed { get; }

    public string Packages { get; }

    public string Version { get; }

    internal DotnetCommand Command { get; }

    public string Apps => Path.Combine(Root, "apps");

    public IReadOnlyList<string> PackageIds => [.. Directory.GetFiles(Feed, $"*.{Version}.nupkg").Select(p => Path.GetFileName(p)[..^$".{Version}.nupkg".Length]).Order()];

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    public IReadOnlyList<string> Entries(string id)
    {
        using var archive = ZipFile.OpenRead(PackagePath(id));
        return [.. archive.Entries.Select(e => e.FullName)];
    }

    public XElement Nuspec(string id)
    {
        using var archive = ZipFile.OpenRead(PackagePath(id));
        using var stream = archive.Entries.Single(e => e.FullName == $"{id}.nuspec").Open();
        return XElement.Load(stream);
    }

    /// <summary>
    /// What the pack needs to know the repository: nothing when <c>origin</c> is a network URL (SourceLink reads it);
    /// without a remote, a user-level git configuration naming a test remote (SourceLink reads that too); when
    /// <c>origin</c> is a local path, which SourceLink does not turn into a URL, the test URL as a global property.
    /// </summary>
    private (Dictionary<string, string> Environment, string? RepositoryUrl) RepositoryRemote()
    {
        string origin = Command.Run(BuildInfo.RepositoryRoot, "git", "config", "--get", "remote.origin.url").Output.Trim();
        if (origin.Contains("://", StringComparison.Ordinal) || origin.StartsWith("git@", StringComparison.Ordinal))
        {
            return ([], null);
        }
        TestRemoteUrl = "https://github.com/llmcfsr-packaging-test/LlmCfsr.git";
        if (origin.Length > 0)
        {
            return ([], TestRemoteUrl);
        }
        var gitConfig = Directory.CreateDirectory(Path.Combine(Root, "xdg", "git")).FullName;
        File.WriteAllText(Path.Combine(gitConfig, "config"), $"[remote \"origin\"]\n\turl = {TestRemoteUrl}\n");
        return (new() { ["XDG_CONFIG_HOME"] = Path.GetDirectoryName(gitConfig)! }, null);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a process that has not exited yet: the folder is in the temp directory anyway.
        }
    }
}
