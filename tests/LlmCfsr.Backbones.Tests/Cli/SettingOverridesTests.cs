using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Testing;
using LlmCfsr.Training;

namespace LlmCfsr.Backbones.Tests.Cli;

/// <summary>
/// <c>--set KEY=VALUE</c> gives train and compare the configuration keys a host gives the library: the parts' and
/// models' options bind from them and the run records them; a key or value that fits no registered setting stops the
/// command with one line before anything is written.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class SettingOverridesTests
{
    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.Run(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string Data(string root)
    {
        var data = Path.Combine(root, "data");
        PreparedDatasetStore.Save(CyclicDataset.Create(), data);
        return data;
    }

    private static string[] Train(string data, string run, params string[] settings) =>
    [
        "train", "--data", data, "--model", "sasrec", "--loss", "bpr", "--epochs", "1", "--batch-size", "16", "--max-len", "8",
        "--hidden", "8", "--layers", "1", "--lr", "0.005", "--protocol", "sampled:20", "--threads", "1", "--out", run,
        .. settings.SelectMany(s => new[] { "--set", s }),
    ];

    [Fact]
    public void PartAndModelSettingsBindAndAreRecordedInTheRun()
    {
        var root = TestDatasets.TempFolder();
        var run = Path.Combine(root, "run");
        var (exit, output, error) = Run(Train(Data(root), run,
            "LlmCfsr:Backbones:SasRec:ScaleEmbeddings=false", "llmcfsr:losses:bprnegatives=3", "LlmCfsr:Models:sasrec:Heads=2"));
        Assert.True(exit == 0, error + output);

        var manifest = RunManifest.Read(Path.Combine(run, "run.json"));
        Assert.False(manifest.PartOptions!["LlmCfsr:Backbones:SasRec"].GetProperty("scaleEmbeddings").GetBoolean());
        Assert.Equal(3, manifest.PartOptions["LlmCfsr:Losses"].GetProperty("bprNegatives").GetInt32());
        Assert.Equal(2, manifest.ModelOptions!.Value.GetProperty("heads").GetInt32());
    }

    [Fact]
    public void WithoutSettingsThePartsKeepTheirDefaults()
    {
        var root = TestDatasets.TempFolder();
        var run = Path.Combine(root, "run");
        var (exit, output, error) = Run(Train(Data(root), run));
        Assert.True(exit == 0, error + output);

        var manifest = RunManifest.Read(Path.Combine(run, "run.json"));
        Assert.True(manifest.PartOptions!["LlmCfsr:Backbones:SasRec"].GetProperty("scaleEmbeddings").GetBoolean());
        Assert.Equal(1, manifest.PartOptions["LlmCfsr:Losses"].GetProperty("bprNegatives").GetInt32());
        Assert.Equal(1, manifest.ModelOptions!.Value.GetProperty("heads").GetInt32());
    }

    [Theory]
    [InlineData("LlmCfsr:Losses:BprNegativs=3", "--set LlmCfsr:Losses:BprNegativs: no such setting; settings there: BceNegatives, BprNegatives, NegativeDistribution, SampledSoftmaxNegatives.")]
    [InlineData("LlmCfsr:Losses:BprNegatives=three", "--set LlmCfsr:Losses:BprNegatives=three: the value must be a Int32.")]
    [InlineData("LlmCfsr:Backbones:SasRec:ScaleEmbeddings=maybe", "--set LlmCfsr:Backbones:SasRec:ScaleEmbeddings=maybe: the value must be a Boolean.")]
    [InlineData("LlmCfsr:Models:sasrec:Fusion=concat", "--set LlmCfsr:Models:sasrec:Fusion: no such setting; settings there: Heads, HiddenSize.")]
    [InlineData("LlmCfsr:Models:llm-cfsx:Heads=1", "--set LlmCfsr:Models:llm-cfsx:Heads: no registered model 'llm-cfsx'; models: bert4rec, ")]
    [InlineData("LlmCfsr:Nowhere:Key=1", "--set LlmCfsr:Nowhere:Key: no registered options under that section; sections: ")]
    [InlineData("Losses:BprNegatives=3", "--set Losses:BprNegatives: keys start with 'LlmCfsr:' (e.g. LlmCfsr:Losses:BprNegatives).")]
    [InlineData("LlmCfsr:Losses:BprNegatives", "--set 'LlmCfsr:Losses:BprNegatives': expected KEY=VALUE, e.g. LlmCfsr:Losses:BprNegatives=8.")]
    [InlineData("LlmCfsr:Losses:BprNegatives=0", "BprNegatives")]
    public void ABadSettingStopsWithOneLineNamingItAndWritesNothing(string setting, string message)
    {
        var root = TestDatasets.TempFolder();
        var run = Path.Combine(root, "run");
        var (exit, _, error) = Run(Train(Data(root), run, setting));

        Assert.Equal(1, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(run));
    }
}
