using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// The <c>llmcfsr</c> tool packed as a release packs it, but for this host's platform only (one RID-specific publish
/// instead of three, about a minute of CPU): the pointer package <c>LlmCfsr.Cli</c>, naming only this host's
/// package, and <c>LlmCfsr.Cli.RID</c>, in a temporary feed. The publish goes to a temporary folder and the CLI's
/// references are not rebuilt, so the clone's build outputs stay as the solution build left them.
/// </summary>
public sealed class ToolPackage : IDisposable
{
    public ToolPackage()
    {
        Root = Directory.CreateTempSubdirectory("llmcfsr-tool-").FullName;
        Feed = Directory.CreateDirectory(Path.Combine(Root, "feed")).FullName;
        Packages = Directory.CreateDirectory(Path.Combine(Root, "packages")).FullName;
        Version = $"0.1.0.{(long)(DateTime.UtcNow - new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)).TotalSeconds}";
        Command = new DotnetCommand(Packages);
        Repository = PackRepository.For(Root, Command);

        string publish = Path.Combine(Root, "publish") + Path.DirectorySeparatorChar;
        List<string> arguments =
        [
            "pack", Path.Combine(BuildInfo.RepositoryRoot, "src", "LlmCfsr.Cli", "LlmCfsr.Cli.csproj"), "-nologo", "-v:m",
            "-c", BuildInfo.Configuration, "-o", Feed,
            $"-p:ToolPackageRuntimeIdentifiers={HostRuntimeIdentifier}",
            // PackageVersion, not Version: the libraries' assemblies stay as built.
            $"-p:PackageVersion={Version}",
            "-p:BuildProjectReferences=false",
            $"-p:PublishDir={publish}",
        ];
        if (Repository.RepositoryUrlProperty is { } url)
        {
            arguments.Add($"-p:RepositoryUrl={url}");
        }
        // The clone's own package folder, so nothing is downloaded. The pack restores the CLI and its references again
        // for the host's runtime identifier (rewriting their assets files): RepositoryPackingCollection keeps
        // PackageFeed's pack from running meanwhile.
        var stopwatch = Stopwatch.StartNew();
        new DotnetCommand(MachinePackages, Repository.Environment).Run(Root, DotnetCommand.Dotnet, [.. arguments]).Succeeded();
        PackTime = stopwatch.Elapsed;
        Directory.Delete(publish, recursive: true);

        new XDocument(new XElement("configuration",
            new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "llmcfsr-tool-feed"), new XAttribute("value", Feed))),
            new XElement("fallbackPackageFolders", new XElement("add", new XAttribute("key", "machine"), new XAttribute("value", MachinePackages)))))
            .Save(ConfigFile);
    }

    /// <summary>The portable runtime identifier of this host (linux-x64, win-x64, osx-arm64, ...).</summary>
    public static string HostRuntimeIdentifier { get; } =
        (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux") + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant();

    public static string MachinePackages { get; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public string Root { get; }

    public string Feed { get; }

    public string Packages { get; }

    public string Version { get; }

    /// <summary>How long the pack took (figures in docs/performance.md).</summary>
    public TimeSpan PackTime { get; }

    internal DotnetCommand Command { get; }

    internal PackRepository Repository { get; }

    /// <summary>A nuget.config whose only source is the feed.</summary>
    public string ConfigFile => Path.Combine(Root, "nuget.config");

    public string PointerPackagePath => Path.Combine(Feed, $"LlmCfsr.Cli.{Version}.nupkg");

    public string PlatformPackagePath => Path.Combine(Feed, $"LlmCfsr.Cli.{HostRuntimeIdentifier}.{Version}.nupkg");

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
