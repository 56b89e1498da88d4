namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// The test classes whose fixtures run MSBuild on the clone's own projects, one after another: the tool's pack
/// (<see cref="ToolPackage"/>) restores the CLI and every project it references again for the host's runtime
/// identifier, rewriting their <c>obj/project.assets.json</c>, while the libraries' pack (<see cref="PackageFeed"/>)
/// reads those files; run together, the pack found one missing mid-rewrite and failed.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RepositoryPackingCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "repository packing";
}
