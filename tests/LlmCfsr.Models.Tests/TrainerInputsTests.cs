using Microsoft.Extensions.DependencyInjection;
using LlmCfsr.DependencyInjection;
using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Training;

namespace LlmCfsr.Models.Tests;

/// <summary>The trainer loads, checks and records model inputs; the CLI exposes them; LLM-CFSR training does not leak tensors.</summary>
public sealed class TrainerInputsTests
{
    /// <summary>Two epochs of a tiny model on <see cref="Fixtures.Small"/>, full-catalogue evaluation.</summary>
    internal static TrainingOptions Tiny(string model, string? embeddings) => new()
    {
        Model = model,
        Epochs = 2,
        Patience = 5,
        BatchSize = 16,
        LearningRate = 5e-3,
        MaxLength = 6,
        HiddenSize = 8,
        Layers = 1,
        Heads = 2,
        Dropout = 0.1,
        Seed = 3,
        EvaluationProtocol = "full",
        SemanticEmbeddingsPath = embeddings,
    };

    /// <summary>Seeded item embeddings of the kind <paramref name="input"/> takes (CFT by default), saved in <paramref name="folder"/>.</summary>
    private static string WriteEmbeddings(PreparedDataset dataset, string folder, int seed = 1, ModelInput input = ModelInput.SemanticEmbeddings)
    {
        var path = Path.Combine(folder, $"items-{input}-{seed}.safetensors");
        Fixtures.ItemEmbeddingsFor(input, dataset, seed: seed).Save(path);
        return path;
    }

    [Fact]
    public void ResumingWithOtherModelOptionsIsRefusedByName()
    {
        var folder = Fixtures.TempFolder();
        var embeddings = WriteEmbeddings(Fixtures.Small, folder, input: ModelInput.RawSemanticEmbeddings);
        using var services = TestServices.Build();
        var run = Path.Combine(folder, "run");
        var options = Tiny("llm2x", null) with { RawSemanticEmbeddingsPath = embeddings };
        using var cancel = new CancellationTokenSource();
        var stopAfterFirstEpoch = new CancelAtEpochEnd(cancel);
        Assert.ThrowsAny<OperationCanceledException>(() =>
            services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = run }, stopAfterFirstEpoch, cancel.Token));
        var recorded = RunManifest.Read(new RunDirectory(run).Manifest);
        Assert.Equal(new Llm2XOptions(), TrainedRun.ModelOptions(services.GetRequiredService<ComponentCatalog>(), recorded));

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = Fixtures.Small, Options = options, RunDirectory = run, Mode = TrainingRunMode.Resume, ModelOptions = new Llm2XOptions { Backbone = "gru4rec" },
        }));
        Assert.Contains("modelOptions.backbone: run \"sasrec\", now \"gru4rec\"", error.Message);
        using var resumed = services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = run, Mode = TrainingRunMode.Resume });
        Assert.True(resumed.Manifest.Completed);
    }

    [Fact]
    public void RunJsonRecordsTheInputsAndTheSavedRunReloadsWithThem()
    {
        var folder = Fixtures.TempFolder();
        var embeddings = WriteEmbeddings(Fixtures.Small, folder);
        using var services = TestServices.Build();
        var run = Path.Combine(folder, "run");
        using var result = services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = Fixtures.Small, Options = Tiny("llm-cfsr", embeddings), RunDirectory = run });
        Assert.Equal("bpr", result.Manifest.Loss);
        var manifest = RunManifest.Read(new RunDirectory(run).Manifest);
        var input = Assert.Single(manifest.Inputs);
        Assert.Equal(nameof(TrainingOptions.SemanticEmbeddingsPath), input.Option);
        Assert.Equal(Path.GetFullPath(embeddings), input.Path);
        Assert.StartsWith("random|fine-tuned|adapter=random-adapter|generic", input.Fingerprint);
        Assert.EndsWith("|objective=cft", input.Fingerprint);
        Assert.Equal(64, input.Sha256.Length);
        Assert.Equal(embeddings, manifest.Options.SemanticEmbeddingsPath);

        // The best weights plus the recorded embeddings reproduce the test metrics.
        using var reloaded = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), new RunDirectory(run), Fixtures.Small, TorchSharp.torch.CPU);
        var report = Evaluation.RankingEvaluator.Evaluate(reloaded, Fixtures.Small, DataSplit.Test, new Evaluation.EvaluationOptions
        {
            Protocol = Evaluation.EvaluationProtocol.Parse("full"), MaxHistoryLength = 6, Seed = 3,
        });
        Assert.Equal(result.Test.Groups["overall"].Metrics["NDCG@10"], report.Groups["overall"].Metrics["NDCG@10"], 10);
    }

    [Fact]
    public void ARunOfFormat3ThatReadItsEmbeddingsFromSemanticEmbeddingsPathStillLoadsAndScoresTheSame()
    {
        var folder = Fixtures.TempFolder();
        var raw = WriteEmbeddings(Fixtures.Small, folder, input: ModelInput.RawSemanticEmbeddings);
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var run = Path.Combine(folder, "run");
        using var result = services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = Fixtures.Small, Options = Tiny("llm2x", null) with { RawSemanticEmbeddingsPath = raw }, RunDirectory = run,
        });
        // Rewrite run.json as format 3 wrote it: llm2x read its embeddings from SemanticEmbeddingsPath.
        var path = new RunDirectory(run).Manifest;
        var manifest = RunManifest.Read(path);
        (manifest with
        {
            FormatVersion = 3,
            Options = manifest.Options with { SemanticEmbeddingsPath = raw, RawSemanticEmbeddingsPath = null },
            Inputs = manifest.Inputs.Select(record => record with { Option = nameof(TrainingOptions.SemanticEmbeddingsPath) }).ToList(),
        }).Write(path);
        Storage.ChecksumManifest.Write(Storage.AtomicFileWriter.Default, run, Storage.ChecksumManifest.Read(run).Keys.ToList());

        var old = RunManifest.Read(path);
        var current = old.WithCurrentInputOptions(TrainedRun.ModelOptions(catalog, old));
        Assert.Equal(raw, current.Options.RawSemanticEmbeddingsPath);
        Assert.Equal(nameof(TrainingOptions.RawSemanticEmbeddingsPath), Assert.Single(current.Inputs).Option);
        using var reloaded = TrainedRun.LoadBestModel(catalog, new RunDirectory(run), Fixtures.Small, TorchSharp.torch.CPU);
        var report = Evaluation.RankingEvaluator.Evaluate(reloaded, Fixtures.Small, DataSplit.Test, new Evaluation.EvaluationOptions
        {
            Protocol = Evaluation.EvaluationProtocol.Parse("full"), MaxHistoryLength = 6, Seed = 3,
        });
        Assert.Equal(result.Test.Groups["overall"].Metrics["NDCG@10"], report.Groups["overall"].Metrics["NDCG@10"], 10);
    }

    [Fact]
    public void EmbeddingsOfAnotherItemOrderAreRefusedNamingTheFile()
    {
        var folder = Fixtures.TempFolder();
        var other = Data.Synthetic.SyntheticDatasetGenerator.Generate(new Data.Synthetic.SyntheticDatasetOptions { Users = 60, Items = 40, Topics = 4, Seed = 6 }).Dataset;
        var shuffled = new PreparedDataset(other.Name, other.UserSourceIds, other.ItemSourceIds.Reverse().ToArray(), other.Sequences, other.ItemAttributes);
        var embeddings = WriteEmbeddings(shuffled, folder);
        using var services = TestServices.Build();
        var error = Assert.Throws<InvalidDataException>(() => services.GetRequiredService<RecommenderTrainer>().Train(
            new TrainingRequest { Dataset = Fixtures.Small, Options = Tiny("llm-cfsr", embeddings), RunDirectory = Path.Combine(folder, "run") }));
        Assert.Contains(embeddings, error.Message);
        Assert.Contains("item order differs", error.Message);

        var missing = Assert.Throws<ArgumentException>(() => services.GetRequiredService<RecommenderTrainer>().Train(
            new TrainingRequest { Dataset = Fixtures.Small, Options = Tiny("llm2x", null), RunDirectory = Path.Combine(folder, "run2") }));
        Assert.Contains("set TrainingOptions.RawSemanticEmbeddingsPath", missing.Message);
        Assert.False(Directory.Exists(Path.Combine(folder, "run2")), "Inputs are checked before the run directory is created.");
    }

    [Fact]
    public void RawEmbeddingsOfTheWrongKindOrAnotherDatasetAreRefusedNamingFileAndField()
    {
        var folder = Fixtures.TempFolder();
        var fineTuned = Path.Combine(folder, "cft.safetensors");
        Fixtures.RandomItemEmbeddings(Fixtures.Small, fineTuned: true).Save(fineTuned);
        using var services = TestServices.Build();
        var kind = Assert.Throws<InvalidDataException>(() => services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = Fixtures.Small,
            Options = Tiny("llm-cfsr-no-cft", fineTuned) with { RawSemanticEmbeddingsPath = fineTuned },
            RunDirectory = Path.Combine(folder, "kind"),
        }));
        Assert.Contains(fineTuned, kind.Message);
        Assert.Contains("field 'kind' is 'fine-tuned'", kind.Message);
        Assert.Contains("TrainingOptions.RawSemanticEmbeddingsPath", kind.Message);

        // The same items with other interactions make another prepared dataset.
        var small = Fixtures.Small;
        var other = new PreparedDataset(small.Name, small.UserSourceIds, small.ItemSourceIds, small.Sequences.Select(s => s.Reverse().ToArray()).ToArray(), small.ItemAttributes);
        var elsewhere = Path.Combine(folder, "other.safetensors");
        Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, other).Save(elsewhere);
        var dataset = Assert.Throws<InvalidDataException>(() => services.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = small,
            Options = Tiny("llm-cfsr", elsewhere),
            RunDirectory = Path.Combine(folder, "dataset"),
        }));
        Assert.Contains(elsewhere, dataset.Message);
        Assert.Contains("field 'dataset_fingerprint'", dataset.Message);
    }

    [Fact]
    public void LiveTensorCountStaysFlatAcrossLlmCfsrStepsAndEpochs()
    {
        var folder = Fixtures.TempFolder();
        var embeddings = WriteEmbeddings(Fixtures.Small, folder);
        using var services = TestServices.Build();
        // Tensors other tests left to the garbage collector would be finalized mid-run and lower the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var counts = new List<(bool EpochEnd, long Count)>();
        var progress = new Progress(counts);
        using var result = services.GetRequiredService<RecommenderTrainer>().Train(
            new TrainingRequest { Dataset = Fixtures.Small, Options = Tiny("llm-cfsr", embeddings) with { Epochs = 3 }, RunDirectory = Path.Combine(folder, "run") }, progress);
        // The first step creates the optimizer's moments and the gradients; afterwards every step and every epoch
        // (validation included) releases what it creates. Step reports hold one more tensor than epoch-end reports:
        // the trainer's shuffled order of the epoch, released when the epoch ends.
        Assert.True(counts.Count > 3 * 3, "Expected several steps per epoch.");
        var steps = counts.Skip(1).Where(c => !c.EpochEnd).Select(c => c.Count).ToList();
        var epochEnds = counts.Where(c => c.EpochEnd).Select(c => c.Count).ToList();
        Assert.All(steps, count => Assert.Equal(steps[0], count));
        Assert.All(epochEnds, count => Assert.Equal(epochEnds[0], count));
        Assert.Equal(3, epochEnds.Count);
    }

    [Fact]
    public void TheCliTrainsAnLlmModelAndEmbedsUsers()
    {
        var folder = Fixtures.TempFolder();
        var data = Path.Combine(folder, "data");
        var dataset = Data.Synthetic.SyntheticDatasetGenerator.Generate(new Data.Synthetic.SyntheticDatasetOptions { Users = 12, Items = 10, Topics = 2, Seed = 4 }).Dataset;
        PreparedDatasetStore.Save(dataset, data);
        var embeddings = WriteEmbeddings(dataset, folder, input: ModelInput.RawSemanticEmbeddings);
        var users = Path.Combine(folder, "users.safetensors");

        var (exit, output, error) = Run("embed", "--users", "--data", data, "--out", users);
        Assert.True(exit == 0, error);
        Assert.Contains("training histories of 12 users", output);
        var cache = UserEmbeddingCache.Load(users);
        Assert.Equal(384, cache.Dimension);
        cache.EnsureMatches(dataset, users);
        Assert.Equal(UserHistoryText.Describe(UserHistoryText.DefaultMaxItems), cache.TextFormat);

        string[] Train(string model, string run, params string[] extra) =>
        [
            "train", "--data", data, "--model", model, "--embeddings", embeddings, "--epochs", "1", "--batch-size", "8", "--max-len", "6",
            "--hidden", "8", "--layers", "1", "--heads", "2", "--protocol", "full", "--out", Path.Combine(folder, run), .. extra,
        ];
        (exit, output, error) = Run(Train("llm-esr", "esr", "--backbone", "gru4rec", "--raw-embeddings", embeddings, "--user-embeddings", users));
        Assert.True(exit == 0, error);
        Assert.Contains("Training llm-esr", output);
        var manifest = RunManifest.Read(Path.Combine(folder, "esr", "run.json"));
        Assert.Equal("gru4rec", manifest.ModelOptions!.Value.GetProperty("backbone").GetString());
        // Only the inputs the model reads are loaded and recorded (not the --embeddings it does not read).
        Assert.Equal(2, manifest.Inputs.Count);

        (exit, _, error) = Run("evaluate", "--run", Path.Combine(folder, "esr"));
        Assert.True(exit == 0, error);

        (exit, _, error) = Run(Train("llm-esr", "esr-missing", "--raw-embeddings", embeddings));
        Assert.Equal(1, exit);
        Assert.Contains("--user-embeddings FILE", error);

        (exit, _, error) = Run(Train("llm-esr", "esr-no-raw", "--user-embeddings", users));
        Assert.Equal(1, exit);
        Assert.Contains("--raw-embeddings FILE", error);

        (exit, _, error) = Run(Train("sasrec", "wrong", "--backbone", "gru4rec"));
        Assert.Equal(1, exit);
        Assert.Contains("train --model gru4rec", error);

        (exit, _, error) = Run(Train("nope", "nope"));
        Assert.Equal(1, exit);
        Assert.Contains("llm-cfsr", error);
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private sealed class Progress(List<(bool EpochEnd, long Count)> counts) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => counts.Add((value.Validation is not null, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount));
    }

    private sealed class CancelAtEpochEnd(CancellationTokenSource cancel) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Validation is not null)
            {
                cancel.Cancel();
            }
        }
    }
}
