using Microsoft.Extensions.DependencyInjection;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Testing;
using System.Text.Json;
using LlmCfsr.Data;
using LlmCfsr.Training;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

[Collection(TorchRandomStateCollection.Name)]
public sealed class RecommenderTrainerTests
{
    private static readonly PreparedDataset Data = CyclicDataset.Create();

    private static TrainingOptions Tiny(string model = "sasrec") => new()
    {
        Model = model,
        Epochs = 4,
        Patience = 10,
        BatchSize = 16,
        LearningRate = 5e-3,
        MaxLength = 8,
        HiddenSize = 8,
        Layers = 1,
        Heads = 2,
        Dropout = 0.1,
        Seed = 7,
        EvaluationProtocol = "sampled:20",
    };

    private static TrainingResult Train(TrainingOptions options, string directory, TrainingRunMode mode = TrainingRunMode.New, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var services = TestServices.Build();
        return services.GetRequiredService<RecommenderTrainer>().Train(
            new TrainingRequest { Dataset = Data, Options = options, RunDirectory = directory, Mode = mode }, progress, cancellationToken);
    }

    private static float[] Weights(TrainingResult result) =>
        result.Model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    /// <summary>
    /// Trainings started together on several threads give what they give one after the other: they share torch's
    /// default generator, so the trainer runs one at a time instead of letting their draws interleave.
    /// </summary>
    [Fact]
    public async Task ConcurrentTrainingsGiveTheirSequentialResults()
    {
        var options = Tiny() with { Epochs = 10, BatchSize = 4 };
        var seeds = new[] { 7, 8, 9, 10 };
        var sequential = seeds.Select(seed => { using var run = Train(options with { Seed = seed }, TestDatasets.TempFolder()); return Weights(run); }).ToArray();
        var concurrent = await Task.WhenAll(seeds.Select(seed => Task.Run(() => { using var run = Train(options with { Seed = seed }, TestDatasets.TempFolder()); return Weights(run); })));
        for (int i = 0; i < seeds.Length; i++)
        {
            Assert.Equal(sequential[i], concurrent[i]);
        }
    }

    [Theory]
    [InlineData("sasrec")]
    [InlineData("gru4rec")]
    [InlineData("bert4rec")]
    public void SeededRunsAreRepeatable(string model)
    {
        // One epoch draws from every source of randomness: initialisation, shuffling, masking, negatives, dropout.
        var options = Tiny(model) with { Epochs = 1 };
        using var first = Train(options, TestDatasets.TempFolder());
        using var second = Train(options, TestDatasets.TempFolder());
        using var otherSeed = Train(options with { Seed = 8 }, TestDatasets.TempFolder());
        Assert.Equal(first.Manifest.History.Select(h => h.Loss), second.Manifest.History.Select(h => h.Loss));
        Assert.Equal(first.Manifest.Test, second.Manifest.Test);
        Assert.Equal(Weights(first), Weights(second));
        Assert.NotEqual(first.Manifest.History.Select(h => h.Loss), otherSeed.Manifest.History.Select(h => h.Loss));
    }

    [Theory]
    [InlineData("sasrec")]
    [InlineData("bert4rec")]
    public void ResumingAfterAnInterruptionReachesTheUninterruptedResult(string model)
    {
        var options = Tiny(model) with { Epochs = 3 };
        using var uninterrupted = Train(options, TestDatasets.TempFolder());

        var directory = TestDatasets.TempFolder();
        using var cancellation = new CancellationTokenSource();
        var stopAfterFirstEpoch = new RecordingProgress(p =>
        {
            if (p.Validation is not null && p.Epoch == 1)
            {
                cancellation.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => Train(options, directory, progress: stopAfterFirstEpoch, cancellationToken: cancellation.Token));
        var interrupted = RunManifest.Read(new RunDirectory(directory).Manifest);
        Assert.False(interrupted.Completed);
        Assert.Single(interrupted.History);

        using var resumed = Train(options, directory, TrainingRunMode.Resume);
        Assert.Equal(uninterrupted.Manifest.History.Select(h => h.Loss), resumed.Manifest.History.Select(h => h.Loss));
        Assert.Equal(uninterrupted.Manifest.History.Select(h => h.Validation["NDCG@10"]), resumed.Manifest.History.Select(h => h.Validation["NDCG@10"]));
        Assert.Equal(uninterrupted.Manifest.BestEpoch, resumed.Manifest.BestEpoch);
        Assert.Equal(uninterrupted.Manifest.Test, resumed.Manifest.Test);
        Assert.Equal(Weights(uninterrupted), Weights(resumed));
    }

    [Fact]
    public void LiveTensorCountStaysFlatAcrossStepsAndEpochs()
    {
        // Finalise what earlier tests left to the garbage collector, so finalisers cannot move the count here.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var progress = new RecordingProgress();
        using var result = Train(Tiny() with { Epochs = 3 }, TestDatasets.TempFolder(), progress: progress);
        // The first step creates the optimizer's moment buffers and the gradients; from then on every step and
        // every epoch (validation included) must release whatever it creates. Step reports come while the
        // epoch's shuffled order is alive, epoch reports after it is released, so each kind is compared with itself.
        var steps = progress.Reports.Skip(1).Where(r => r.Progress.Validation is null).Select(r => r.LiveTensors).ToList();
        var epochs = progress.Reports.Where(r => r.Progress.Validation is not null).Select(r => r.LiveTensors).ToList();
        Assert.True(steps.Count >= 3 * 3, "Expected several steps per epoch.");
        Assert.Equal(3, epochs.Count);
        Assert.All(steps, count => Assert.Equal(steps[0], count));
        Assert.All(epochs, count => Assert.Equal(epochs[0], count));
    }

    [Fact]
    public void ValidationDrivesEarlyStoppingAndTheBestCheckpoint()
    {
        var directory = TestDatasets.TempFolder();
        // A learning rate this high makes validation stall quickly, so patience 1 stops before the 12-epoch limit.
        using var result = Train(Tiny() with { Epochs = 12, Patience = 1, LearningRate = 0.05 }, directory);
        var manifest = result.Manifest;
        var history = manifest.History;
        Assert.True(manifest.Completed);
        Assert.True(manifest.StoppedEarly);
        Assert.True(history.Count < 12);
        var best = history.MaxBy(h => h.Validation["NDCG@10"])!;
        Assert.Equal(best.Epoch, manifest.BestEpoch);
        // Stopping happens exactly `patience` epochs after the best one.
        Assert.Equal(manifest.BestEpoch + 1, history.Count);

        var run = new RunDirectory(directory);
        Assert.True(File.Exists(run.BestWeights));
        using var metrics = JsonDocument.Parse(File.ReadAllText(run.Metrics));
        Assert.Equal("test", metrics.RootElement.GetProperty("split").GetString());
        Assert.Equal(Data.Fingerprint, metrics.RootElement.GetProperty("dataset").GetString());
        Assert.Equal(manifest.Test!["NDCG@10"], metrics.RootElement.GetProperty("groups").GetProperty("overall").GetProperty("NDCG@10").GetDouble(), 12);

        // The saved best weights reproduce the test metrics under the run's evaluation settings (its evaluation
        // seed, not its training seed), whatever the evaluation batch size.
        using var services = TestServices.Build();
        using var reloaded = TrainedRun.LoadBestModel(services.GetRequiredService<ComponentCatalog>(), run, Data, CPU);
        var settings = manifest.Options.EvaluationSettings(device: CPU);
        Assert.NotEqual(manifest.Options.Seed, settings.Seed);
        foreach (int batchSize in new[] { manifest.Options.EvaluationBatchSize, 5 })
        {
            var report = LlmCfsr.Evaluation.RankingEvaluator.Evaluate(reloaded, Data, DataSplit.Test, settings with { BatchSize = batchSize });
            Assert.Equal(manifest.Test!["NDCG@10"], report.Groups["overall"]["NDCG@10"], 12);
        }
    }

    [Fact]
    public void RunRecordsItsFullConfigurationAndDataset()
    {
        var directory = TestDatasets.TempFolder();
        using var result = Train(Tiny() with { Epochs = 1, Loss = "bpr" }, directory);
        var manifest = RunManifest.Read(new RunDirectory(directory).Manifest);
        Assert.Equal(Tiny() with { Epochs = 1, Loss = "bpr" }, manifest.Options);
        Assert.Equal("bpr", manifest.Loss);
        Assert.Equal(TrainingObjective.AllPositions, manifest.Objective);
        Assert.Equal(Data.Fingerprint, manifest.Dataset.Fingerprint);
        Assert.Equal(1, manifest.PartOptions!["LlmCfsr:Backbones:SasRec"].GetProperty("feedForwardMultiplier").GetInt32());
        Assert.Equal(1, manifest.PartOptions["LlmCfsr:Losses"].GetProperty("bprNegatives").GetInt32());
        Assert.Single(manifest.History);
    }

    [Fact]
    public void ADirectoryHoldingARunIsNotOverwrittenUnlessAsked()
    {
        var directory = TestDatasets.TempFolder();
        using (Train(Tiny() with { Epochs = 1 }, directory))
        {
        }
        Assert.Contains("already holds a run", Assert.Throws<ArgumentException>(() => Train(Tiny() with { Epochs = 1 }, directory)).Message);
        Assert.Contains("already complete", Assert.Throws<ArgumentException>(() => Train(Tiny() with { Epochs = 1 }, directory, TrainingRunMode.Resume)).Message);
        var unrelated = Path.Combine(directory, "notes.txt");
        File.WriteAllText(unrelated, "keep");
        using var overwritten = Train(Tiny() with { Epochs = 2 }, directory, TrainingRunMode.Overwrite);
        Assert.Equal(2, overwritten.Manifest.History.Count);
        Assert.Equal("keep", File.ReadAllText(unrelated));
    }

    [Fact]
    public void ObjectivesMustFitTheModelsDirection()
    {
        var error = Assert.Throws<ArgumentException>(() => Train(Tiny() with { Objective = TrainingObjective.Masked }, TestDatasets.TempFolder()));
        Assert.Contains("causal models train on all or last positions", error.Message);
        Assert.Throws<ArgumentException>(() => Train(Tiny("bert4rec") with { Objective = TrainingObjective.LastPosition }, TestDatasets.TempFolder()));
    }

    [Fact]
    public void InvalidOptionsNameTheField()
    {
        Assert.Contains("BatchSize", Assert.Throws<ArgumentException>(() => Train(Tiny() with { BatchSize = 0 }, TestDatasets.TempFolder())).Message);
        Assert.Contains("Device 'tpu'", Assert.Throws<ArgumentException>(() => Train(Tiny() with { Device = "tpu" }, TestDatasets.TempFolder())).Message);
        Assert.Contains("sampled:N", Assert.Throws<ArgumentException>(() => Train(Tiny() with { EvaluationProtocol = "some" }, TestDatasets.TempFolder())).Message);
        Assert.Contains("Registered: bert4rec, gru4rec, sasrec", Assert.Throws<KeyNotFoundException>(() => Train(Tiny("nope"), TestDatasets.TempFolder())).Message);
    }

    [Theory]
    [InlineData("sasrec", TrainingObjective.AllPositions)]
    [InlineData("gru4rec", TrainingObjective.LastPosition)]
    [InlineData("bert4rec", TrainingObjective.Masked)]
    public void EveryBackboneLearnsTheCycle(string model, TrainingObjective objective)
    {
        // The next item is the last one + 1, so a learning model ranks it in the top 5 among 20 random negatives
        // far more often than chance (HR@5 of a random ranking among 21 candidates is 5/21 ~ 0.24).
        using var result = Train(Tiny(model) with { Epochs = 10, Objective = objective, HiddenSize = 16, LearningRate = 2e-2, Loss = "ce", MaskProbability = 0.4 }, TestDatasets.TempFolder());
        Assert.True(result.Manifest.Test!["HR@5"] > 0.5, $"{model} test HR@5 {result.Manifest.Test["HR@5"]:F3}");
    }
}
