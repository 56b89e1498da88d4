using System.IO.Compression;
using System.Xml.Linq;

namespace LlmCfsr.Packaging.Tests;

/// <summary>Reads a .nupkg file and checks the metadata every package of the repository carries.</summary>
internal static class NuGetPackage
{
    public static IReadOnlyList<string> Entries(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        return [.. archive.Entries.Select(e => e.FullName)];
    }

    public static XElement Nuspec(string path)
    {
        using var archive = ZipFile.OpenRead(path);
        using var stream = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/')).Open();
        return XElement.Load(stream);
    }

    /// <summary>Copies one entry of the package to <paramref name="destination"/>.</summary>
    public static void Extract(string path, string entry, string destination)
    {
        using var archive = ZipFile.OpenRead(path);
        archive.GetEntry(entry)!.ExtractToFile(destination, overwrite: true);
    }

    /// <summary>
    /// The metadata every package carries, whatever packed it (a csproj, the CUDA nuspec, the tool's RID-specific
    /// publish): authors, license, icon, README, and the link to its sources (repository URL, the commit it was
    /// packed from, the repository page as project URL).
    /// </summary>
    public static void AssertUniformMetadata(string path, PackRepository repository)
    {
        var nuspec = Nuspec(path);
        XNamespace ns = nuspec.Name.Namespace;
        var metadata = nuspec.Element(ns + "metadata")!;
        string id = metadata.Element(ns + "id")!.Value;
        Assert.True("LlmCfsr contributors" == metadata.Element(ns + "authors")?.Value, $"{id}: authors");
        Assert.True("Copyright (c) LlmCfsr contributors" == metadata.Element(ns + "copyright")?.Value, $"{id}: copyright");
        Assert.True("MIT" == metadata.Element(ns + "license")?.Value, $"{id}: license");
        Assert.True("icon.png" == metadata.Element(ns + "icon")?.Value, $"{id}: icon");
        Assert.True("README.md" == metadata.Element(ns + "readme")?.Value, $"{id}: readme");
        Assert.False(string.IsNullOrWhiteSpace(metadata.Element(ns + "description")?.Value), $"{id}: description");
        Assert.Contains("icon.png", Entries(path));
        Assert.Contains("README.md", Entries(path));

        var link = metadata.Element(ns + "repository");
        Assert.True(link is not null, $"{id} has no <repository> element.");
        string url = (string?)link.Attribute("url") ?? "";
        Assert.True((repository.TestRemoteUrl ?? url) == url, $"{id}: repository URL '{url}', expected '{repository.TestRemoteUrl}'.");
        Assert.StartsWith("https://", url);
        Assert.True("git" == (string?)link.Attribute("type"), $"{id}: repository type");
        Assert.True(repository.Commit == (string?)link.Attribute("commit"), $"{id}: commit '{(string?)link.Attribute("commit")}', expected HEAD {repository.Commit}.");
        string page = url.EndsWith(".git", StringComparison.Ordinal) ? url[..^".git".Length] : url;
        Assert.True(page == metadata.Element(ns + "projectUrl")?.Value, $"{id}: project URL '{metadata.Element(ns + "projectUrl")?.Value}', expected '{page}'.");
    }
}
