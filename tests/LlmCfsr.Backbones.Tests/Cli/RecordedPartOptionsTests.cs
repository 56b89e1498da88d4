using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.Backbones.SasRec;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Evaluation;
using LlmCfsr.Recommendation;
using LlmCfsr.Storage;
using LlmCfsr.Testing;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Cli;

/// <summary>
/// A run records its parts' options as typed objects (run.json format 3) and evaluate/export/recommend rebuild the
/// parts from them; runs of format 2 (flat configuration keys) load with the same options.
/// </summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class RecordedPartOptionsTests
{
    private const string SasRecSection = "LlmCfsr:Backbones:SasRec";

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.Run(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Trains SASRec without its embedding scaling (not the default) through the SDK, as a host configures it.</summary>
    private static (string Data, string Run, RunManifest Manifest) TrainWithoutEmbeddingScaling(string root)
    {
        var data = Path.Combine(root, "data");
        var cyclic = CyclicDataset.Create();
        var dataset = new PreparedDataset(cyclic.Name, cyclic.UserSourceIds, cyclic.ItemSourceIds, cyclic.Sequences,
            [.. cyclic.ItemSourceIds.Select(id => new ItemAttributes([new("title", $"Title of {id}")]))]);
        PreparedDatasetStore.Save(dataset, data);
        var run = Path.Combine(root, "run");
        using var services = TestServices.Build(($"{SasRecSection}:ScaleEmbeddings", "false"));
        var options = new TrainingOptions
        {
            Model = "sasrec", Epochs = 2, BatchSize = 16, LearningRate = 5e-3, MaxLength = 8, HiddenSize = 8, Layers = 1, Heads = 2,
            Seed = 7, EvaluationProtocol = "sampled:20",
        };
        using var result = services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = PreparedDatasetStore.Load(data), DatasetFolder = data, Options = options, RunDirectory = run,
        });
        return (data, run, result.Manifest);
    }

    private static double EvaluatedNdcg(ServiceProvider services, string run, string data)
    {
        var dataset = PreparedDatasetStore.Load(data);
        using var model = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), new RunDirectory(run), dataset, CPU);
        var manifest = RunManifest.Read(new RunDirectory(run).Manifest);
        return RankingEvaluator.Evaluate(model, dataset, DataSplit.Test, manifest.Options.EvaluationSettings(device: CPU)).Groups["overall"]["NDCG@10"];
    }

    private static ServiceProvider ServicesAsRecorded(RunManifest manifest)
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddSasRec().AddGru4Rec().AddBert4Rec().AddStandardRankingLosses().ConfigurePartsAsRecorded(manifest);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void ARunsNonDefaultPartOptionIsInForceWhenItIsEvaluatedExportedAndLoaded()
    {
        var root = TestDatasets.TempFolder();
        var (data, run, manifest) = TrainWithoutEmbeddingScaling(root);
        Assert.Equal(RunManifest.CurrentFormatVersion, manifest.FormatVersion);
        Assert.Null(manifest.Configuration);
        Assert.False(manifest.PartOptions![SasRecSection].GetProperty("scaleEmbeddings").GetBoolean());
        Assert.Equal(1, manifest.PartOptions["LlmCfsr:Losses"].GetProperty("bceNegatives").GetInt32());

        // The option matters: the same weights under the default scaling rank differently.
        using (var defaults = TestServices.Build())
        {
            Assert.NotEqual(manifest.Test!["NDCG@10"], EvaluatedNdcg(defaults, run, data), 12);
        }
        using (var recorded = ServicesAsRecorded(manifest))
        {
            Assert.False(recorded.GetRequiredService<IOptions<SasRecOptions>>().Value.ScaleEmbeddings);
            Assert.Equal(manifest.Test!["NDCG@10"], EvaluatedNdcg(recorded, run, data), 12);
        }

        var (exit, _, error) = Run("evaluate", "--run", run);
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllText(Path.Combine(run, "metrics.json")), File.ReadAllText(Path.Combine(run, "metrics-test-sampled-20.json")));

        var bundle = Path.Combine(root, "bundle");
        (exit, _, error) = Run("export", "--run", run, "--out", bundle);
        Assert.True(exit == 0, error);
        (exit, _, error) = Run("recommend", "--bundle", bundle, "--history", string.Join(",", CyclicDataset.Create().ItemSourceIds.Take(3)), "-k", "3");
        Assert.True(exit == 0, error);

        // A host whose parts are configured otherwise is told which setting differs, in the options' terms.
        using var other = TestServices.Build();
        var differs = Assert.Throws<ArgumentException>(() => RecommenderBundle.Load(bundle, other));
        Assert.Contains($"{SasRecSection}:ScaleEmbeddings: run false, now true", differs.Message, StringComparison.Ordinal);
        using var same = ServicesAsRecorded(manifest);
        RecommenderBundle.Load(bundle, same).Dispose();
    }

    [Fact]
    public void ARunOfFormatTwoLoadsItsFlatKeysAsTheSameTypedOptions()
    {
        var root = TestDatasets.TempFolder();
        var (data, run, _) = TrainWithoutEmbeddingScaling(root);
        var directory = new RunDirectory(run);
        // Rewrite run.json as format 2 wrote it: the parts' options as flat "section:property" keys, written by hand.
        var json = JsonNode.Parse(File.ReadAllText(directory.Manifest))!.AsObject();
        json.Remove("partOptions");
        json["formatVersion"] = 2;
        json["configuration"] = new JsonObject
        {
            [$"{SasRecSection}:FeedForwardMultiplier"] = "1",
            [$"{SasRecSection}:LayerNormEpsilon"] = "1E-08",
            [$"{SasRecSection}:ScaleEmbeddings"] = "False",
            ["LlmCfsr:Losses:BceNegatives"] = "1",
            ["LlmCfsr:Losses:BprNegatives"] = "1",
            ["LlmCfsr:Losses:SampledSoftmaxNegatives"] = "100",
        };
        File.WriteAllText(directory.Manifest, json.ToJsonString());
        directory.WriteChecksums(AtomicFileWriter.Default);

        var manifest = RunManifest.Read(directory.Manifest);
        Assert.Null(manifest.PartOptions);
        using (var recorded = ServicesAsRecorded(manifest))
        {
            Assert.False(recorded.GetRequiredService<IOptions<SasRecOptions>>().Value.ScaleEmbeddings);
            Assert.Empty(manifest.PartOptionDifferences(recorded.GetRequiredService<ComponentCatalog>()));
            Assert.Equal(manifest.Test!["NDCG@10"], EvaluatedNdcg(recorded, run, data), 12);
        }
        using (var defaults = TestServices.Build())
        {
            Assert.Equal([$"{SasRecSection}:ScaleEmbeddings: run false, now true"], manifest.PartOptionDifferences(defaults.GetRequiredService<ComponentCatalog>()));
        }
        // The run predates NegativeDistribution, so it drew uniform negatives: the default is the same, another value is not.
        using (var popularity = TestServices.Build(($"{SasRecSection}:ScaleEmbeddings", "false"), ("LlmCfsr:Losses:NegativeDistribution", "Popularity")))
        {
            Assert.Equal(["LlmCfsr:Losses:NegativeDistribution: run \"Uniform\" (the default; the run predates the setting), now \"Popularity\""],
                manifest.PartOptionDifferences(popularity.GetRequiredService<ComponentCatalog>()));
        }

        var (exit, _, error) = Run("evaluate", "--run", run);
        Assert.True(exit == 0, error);
        Assert.Equal(File.ReadAllText(Path.Combine(run, "metrics.json")), File.ReadAllText(Path.Combine(run, "metrics-test-sampled-20.json")));
    }
}
