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

        Repository = PackRepository.For(Root, Command);
        var traversal = Path.Combine(Root, "pack.proj");
        File.WriteAllText(traversal, $"""
            <Project>
              <ItemGroup>
                <PackedProject Include="{BuildInfo.RepositoryRoot}src/*/*.csproj;{BuildInfo.RepositoryRoot}plugins/*/*.csproj"
                               Exclude="{BuildInfo.RepositoryRoot}src/LlmCfsr.Cli/*.csproj" />
              </ItemGroup>
              <Target Name="Pack">
                <MSBuild Projects="@(PackedProject)" Targets="Pack"
                         Properties="NoBuild=true;Configuration={BuildInfo.Configuration};Version={Version};PackageOutputPath={Feed}{(Repository.RepositoryUrlProperty is null ? "" : $";RepositoryUrl={Repository.RepositoryUrlProperty}")}" />
              </Target>
            </Project>
            """);
        new DotnetCommand(Packages, Repository.Environment).Run(Root, DotnetCommand.Dotnet, "msbuild", traversal, "-t:Pack", "-nologo", "-v:m").Succeeded();

        var machinePackages = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("add", new XAttribute("key", "llmcfsr-test-feed"), new XAttribute("value", Feed))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", machinePackages)))))
            .Save(Path.Combine(Root, "nuget.config"));
        Directory.CreateDirectory(Path.Combine(Root, "apps"));
    }

    /// <summary>How the packages were told their repository, and the URL and commit they must name.</summary>
    internal PackRepository Repository { get; }

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

    public IReadOnlyList<string> Entries(string id) => NuGetPackage.Entries(PackagePath(id));

    public XElement Nuspec(string id) => NuGetPackage.Nuspec(PackagePath(id));

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
