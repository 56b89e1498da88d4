using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Testing;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Comparison.Tests;

public sealed class ComparisonRunnerTests
{
    private static ComparisonOptions Options(string output, params string[] models) => new()
    {
        Models = models,
        Seeds = [7],
        Protocols = ["sampled:20"],
        OutputDirectory = output,
        Training = new TrainingOptions { Epochs = 1, BatchSize = 16, MaxLength = 8, HiddenSize = 8, Layers = 1, Heads = 2 },
    };

    [Fact]
    public void AModelWhoseFactoryThrowsIsRecordedAndTheNextModelStillTrains()
    {
        using var services = Fixtures.Services(b => AddThrowing(b));
        var result = services.GetRequiredService<ComparisonRunner>().Run(CyclicDataset.Create(), Options(Fixtures.TempFolder(), "broken", "gru4rec"));
        Assert.Equal(["broken", "gru4rec"], result.Runs.Select(r => r.Model));
        Assert.False(result.Runs[0].Succeeded);
        Assert.Equal("InvalidOperationException: the factory failed on purpose", result.Runs[0].Error);
        Assert.Empty(result.Runs[0].Reports);
        Assert.True(result.Runs[1].Succeeded, result.Runs[1].Error);
        Assert.Equal(7, result.Runs[1].Manifest!.Options.Seed);
        var table = result.Table("sampled:20");
        Assert.Single(table.Rows[0].Failures);
        Assert.All(table.Rows[0].Cells, Assert.Null);
        Assert.Equal("gru4rec", table.Significance[0].Best);
        Assert.Null(table.Significance[0].RunnerUp);
    }

    [Fact]
    public void LlmEmbGetsTheSasRecRunOfTheSameSeedAsTeacherTrainedOnce()
    {
        using var services = Fixtures.Services(b => AddTeacherChecking(b));
        var output = Fixtures.TempFolder();
        // "llmemb" comes first: its teacher is trained before it and then reused as the compared "sasrec" run.
        var result = services.GetRequiredService<ComparisonRunner>().Run(CyclicDataset.Create(), Options(output, "llmemb", "sasrec"));
        Assert.All(result.Runs, r => Assert.True(r.Succeeded, r.Error));
        string teacher = ComparisonRunner.RunDirectoryOf(output, "sasrec", 7);
        Assert.Equal(teacher, result.Runs[0].Manifest!.Options.TeacherRunDirectory);
        Assert.Equal(teacher, result.Runs[1].RunDirectory);
        // Trained once, before the student: its files are older than the student's.
        Assert.True(File.GetLastWriteTimeUtc(Path.Combine(teacher, "metrics.json")) <= File.GetLastWriteTimeUtc(Path.Combine(result.Runs[0].RunDirectory, "run.json")));
        Assert.Null(result.Runs[1].Manifest!.Options.TeacherRunDirectory);
    }

    [Fact]
    public void ResumingWithOtherLongTailGroupsReusesTheCompletedRunAndRegroupsItsReports()
    {
        using var services = Fixtures.Services();
        var output = Fixtures.TempFolder();
        var dataset = CyclicDataset.Create();
        var first = Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, Options(output, "sasrec")).Runs);
        Assert.True(first.Succeeded, first.Error);
        string weights = Path.Combine(first.RunDirectory, "model.safetensors");
        var trainedAt = File.GetLastWriteTimeUtc(weights);

        var threshold = LongTailOptions.Parse("threshold:5,6");
        var options = Options(output, "sasrec") with { Mode = ComparisonRunMode.Resume };
        options = options with { Training = options.Training with { LongTail = threshold } };
        var second = Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, options).Runs);

        // Groups split only the test reports, so the run is not retrained: same weights, same overall figures.
        Assert.True(second.Reused, second.Error);
        Assert.Equal(trainedAt, File.GetLastWriteTimeUtc(weights));
        var report = second.Reports["sampled:20"];
        Assert.Equal(threshold, report.LongTail);
        Assert.Equal(first.Reports["sampled:20"].Groups["overall"]["NDCG@10"], report.Groups["overall"]["NDCG@10"]);
    }

    [Fact]
    public void AnInputTheModelDoesNotDeclareDoesNotRetrainItsCompletedRunButADeclaredOneDoes()
    {
        using var services = Fixtures.Services(builder => AddUserEmbeddingsModel(builder));
        var output = Fixtures.TempFolder();
        var dataset = CyclicDataset.Create();
        string first = Path.Combine(output, "users-1.safetensors");
        string second = Path.Combine(output, "users-2.safetensors");
        TestEmbeddings.RandomUsers(dataset, seed: 1, dimension: 8).Save(first);
        TestEmbeddings.RandomUsers(dataset, seed: 2, dimension: 8).Save(second);
        var options = Options(output, "sasrec", "user-embeddings");
        var trained = services.GetRequiredService<ComparisonRunner>().Run(dataset, options with { Training = options.Training with { UserEmbeddingsPath = first } }).Runs;
        Assert.All(trained, r => Assert.True(r.Succeeded, r.Error));

        var again = services.GetRequiredService<ComparisonRunner>().Run(dataset, options with
        {
            Mode = ComparisonRunMode.Resume,
            Training = options.Training with { UserEmbeddingsPath = second },
        }).Runs;

        // SASRec never reads user embeddings: its run is reused. The model that declares them is trained again.
        Assert.True(again[0].Reused, again[0].Error);
        Assert.True(again[1].Succeeded, again[1].Error);
        Assert.False(again[1].Reused);
        Assert.Equal(second, again[1].Manifest!.Options.UserEmbeddingsPath);
    }

    [Fact]
    public void ACopiedComparisonIsReusedByTheContentOfItsInputsNotTheirPaths()
    {
        using var services = Fixtures.Services(builder => builder.AddLlmEnhancedRecommenders());
        var runner = services.GetRequiredService<ComparisonRunner>();
        var dataset = CyclicDataset.Create();
        var original = Fixtures.TempFolder();
        // The embeddings live in the report folder, so they move with it; llmemb's teacher is the compared sasrec run.
        ComparisonOptions Compare(string folder, ComparisonRunMode mode) => Options(folder, "sasrec", "llm2x", "llmemb") with
        {
            Mode = mode,
            Training = Options(folder).Training with
            {
                RawSemanticEmbeddingsPath = Path.Combine(folder, "raw.safetensors"),
                ScftEmbeddingsPath = Path.Combine(folder, "scft.safetensors"),
            },
        };
        ItemEmbeddings(dataset, seed: 1, objective: ItemEmbeddingFingerprint.NoObjective).Save(Path.Combine(original, "raw.safetensors"));
        ItemEmbeddings(dataset, seed: 2, objective: ItemEmbeddingFingerprint.ScftObjective).Save(Path.Combine(original, "scft.safetensors"));
        var first = runner.Run(dataset, Compare(original, ComparisonRunMode.New)).Runs;
        Assert.All(first, r => Assert.True(r.Succeeded, r.Error));
        Assert.All(first, r => Assert.False(r.Reused));

        var copy = Path.Combine(Fixtures.TempFolder(), "copied report");
        CopyFolder(original, copy);
        Directory.Delete(original, recursive: true);
        var weights = Directory.GetFiles(copy, "model.safetensors", SearchOption.AllDirectories)
            .ToDictionary(file => file, file => (File.GetLastWriteTimeUtc(file), Convert.ToHexString(File.ReadAllBytes(file))));
        Assert.Equal(3, weights.Count);

        var again = runner.Run(dataset, Compare(copy, ComparisonRunMode.Resume)).Runs;

        // Every run is reused from the copy, though its run.json names the original's (now deleted) files and teacher.
        Assert.All(again, r => Assert.True(r.Reused, $"{r.Model}: {r.Error}"));
        Assert.All(weights, entry => Assert.Equal(entry.Value, (File.GetLastWriteTimeUtc(entry.Key), Convert.ToHexString(File.ReadAllBytes(entry.Key)))));
        Assert.Equal(first.Select(r => r.Reports["sampled:20"].Groups["overall"]["NDCG@10"]), again.Select(r => r.Reports["sampled:20"].Groups["overall"]["NDCG@10"]));

        // Other content at the same path is another input: only the model that reads it trains again.
        ItemEmbeddings(dataset, seed: 3, objective: ItemEmbeddingFingerprint.NoObjective).Save(Path.Combine(copy, "raw.safetensors"));
        var changed = runner.Run(dataset, Compare(copy, ComparisonRunMode.Resume)).Runs;
        Assert.Equal([true, false, true], changed.Select(r => r.Reused));
        Assert.True(changed[1].Succeeded, changed[1].Error);
    }

    /// <summary>Seeded random item embeddings of <paramref name="dataset"/> recorded with <paramref name="objective"/> (raw for "none").</summary>
    private static ItemEmbeddingCache ItemEmbeddings(PreparedDataset dataset, int seed, string objective)
    {
        var random = new Random(seed);
        var values = Enumerable.Range(0, dataset.ItemCount * 16).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        bool fineTuned = objective != ItemEmbeddingFingerprint.NoObjective;
        return new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, 16, values,
            new ItemEmbeddingFingerprint("random", "random", Encoders.EmbeddingPooling.Mean, "generic", false)
            {
                FineTuned = fineTuned, Adapter = fineTuned ? "random-adapter" : "none", Objective = fineTuned ? objective : null,
            },
            dataset.Fingerprint);
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetLastWriteTimeUtc(target, File.GetLastWriteTimeUtc(file));
        }
    }

    [Fact]
    public void ACompletedRunIsReusedWhenOnlyTheEvaluationBatchSizeChanged()
    {
        using var services = Fixtures.Services();
        var output = Fixtures.TempFolder();
        var dataset = CyclicDataset.Create();
        var options = Options(output, "sasrec");
        Assert.True(Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, options).Runs).Succeeded);

        // The batch size changes no number (an older default recorded 256): the finished run is reused, not retrained.
        var otherBatches = options with { Mode = ComparisonRunMode.Resume, Training = options.Training with { EvaluationBatchSize = options.Training.EvaluationBatchSize + 3 } };
        var again = Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, otherBatches).Runs);
        Assert.True(again.Reused, again.Error);
    }

    [Fact]
    public void ACompletedRunWithExplicitBackboneSizesIsReusedByARequestThatLeavesThemToTheModel()
    {
        using var services = Fixtures.Services(builder => builder.Services.Configure<IdOnlyModelOptions>("sasrec", o => { o.HiddenSize = 8; o.Heads = 2; }));
        var output = Fixtures.TempFolder();
        var dataset = CyclicDataset.Create();
        var options = Options(output, "sasrec");
        Assert.True(Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, options).Runs).Succeeded);

        // The first run recorded HiddenSize 8 and Heads 2 explicitly; the model's own defaults are the same values.
        var unset = options with { Mode = ComparisonRunMode.Resume, Training = options.Training with { HiddenSize = null, Heads = null } };
        Assert.True(Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, unset).Runs).Reused);

        // Other sizes are another model: trained again.
        var wider = options with { Mode = ComparisonRunMode.Resume, Training = options.Training with { Heads = 4 } };
        var retrained = Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, wider).Runs);
        Assert.True(retrained.Succeeded, retrained.Error);
        Assert.False(retrained.Reused);
    }

    [Fact]
    public void AnInterruptedRunResumesWhenOnlyAnInputItsModelDoesNotDeclareChanged()
    {
        using var services = Fixtures.Services();
        var output = Fixtures.TempFolder();
        var dataset = CyclicDataset.Create();
        string first = Path.Combine(output, "users-1.safetensors");
        string second = Path.Combine(output, "users-2.safetensors");
        TestEmbeddings.RandomUsers(dataset, seed: 1, dimension: 8).Save(first);
        TestEmbeddings.RandomUsers(dataset, seed: 2, dimension: 8).Save(second);
        var options = Options(output, "sasrec");
        options = options with { Training = options.Training with { Epochs = 3, Patience = 3 } };
        using (var cancel = new CancellationTokenSource())
        {
            var stopAfterFirstEpoch = new SynchronousProgress(p =>
            {
                if (p.Training is { Epoch: 1, Validation: not null })
                {
                    cancel.Cancel();
                }
            });
            Assert.ThrowsAny<OperationCanceledException>(() => services.GetRequiredService<ComparisonRunner>().Run(
                dataset, options with { Training = options.Training with { UserEmbeddingsPath = first } }, progress: stopAfterFirstEpoch, cancellationToken: cancel.Token));
        }
        var interrupted = RunManifest.Read(new RunDirectory(ComparisonRunner.RunDirectoryOf(output, "sasrec", 7)).Manifest);
        Assert.False(interrupted.Completed);

        var resumed = Assert.Single(services.GetRequiredService<ComparisonRunner>().Run(dataset, options with
        {
            Mode = ComparisonRunMode.Resume,
            Training = options.Training with { UserEmbeddingsPath = second },
        }).Runs);

        // Continued, not refused and not started over: the run keeps the epoch it had and the path it recorded.
        Assert.True(resumed.Succeeded, resumed.Error);
        Assert.Equal((interrupted.History[0].Loss, interrupted.History[0].SequencesPerSecond), (resumed.Manifest!.History[0].Loss, resumed.Manifest.History[0].SequencesPerSecond));
        Assert.Equal(3, resumed.Manifest.History.Count);
        Assert.Equal(first, resumed.Manifest.Options.UserEmbeddingsPath);
    }

    private sealed class SynchronousProgress(Action<ComparisonProgress> report) : IProgress<ComparisonProgress>
    {
        public void Report(ComparisonProgress value) => report(value);
    }

    /// <summary>A model that declares user embeddings (as LLM-ESR does) and otherwise trains an id-only SASRec.</summary>
    private sealed record UserEmbeddingsOptions : RecommenderModelOptions
    {
        public override ModelInput Inputs => ModelInput.UserEmbeddings;
    }

    private static ILlmCfsrBuilder AddUserEmbeddingsModel(ILlmCfsrBuilder builder) =>
        builder.AddRecommenderModel<UserEmbeddingsOptions>("user-embeddings", (_, inputs, components) =>
        {
            Assert.NotNull(inputs.UserEmbeddings);
            return new IdOnlyRecommender("user-embeddings", inputs.ItemCount, inputs.Backbone.MaxLength, components.SequenceEncoder("sasrec").Create(inputs.Backbone));
        });

    [Fact]
    public void LlmEmbFailsWithItsTeachersErrorWhenTheTeacherFails()
    {
        using var services = Fixtures.Services(b => AddTeacherChecking(b));
        var output = Fixtures.TempFolder();
        // A protocol with more negatives than the catalogue has items fails the teacher at validation.
        var result = services.GetRequiredService<ComparisonRunner>().Run(CyclicDataset.Create(items: 40), Options(output, "llmemb") with { Protocols = ["sampled:500"] });
        var run = Assert.Single(result.Runs);
        Assert.False(run.Succeeded);
        Assert.StartsWith("InvalidOperationException: its teacher sasrec (seed 7) failed: ", run.Error);
    }

    /// <summary>Stands in for LLMEmb: declares a SASRec teacher run, requires the teacher's item table (loaded by the trainer from TeacherRunDirectory) and trains an id-only SASRec.</summary>
    private sealed record TeacherCheckingOptions : RecommenderModelOptions
    {
        public override ModelInput Inputs => ModelInput.TeacherRun;

        public override string? TeacherModel => "sasrec";
    }

    private static ILlmCfsrBuilder AddTeacherChecking(ILlmCfsrBuilder builder) =>
        builder.AddRecommenderModel<TeacherCheckingOptions>("llmemb", (_, inputs, components) =>
        {
            var teacher = inputs.TeacherItemEmbeddings ?? throw new InvalidOperationException("no teacher table");
            Assert.Equal(inputs.ItemCount + 1, teacher.shape[0]);
            return new IdOnlyRecommender("llmemb", inputs.ItemCount, inputs.Backbone.MaxLength, components.SequenceEncoder("sasrec").Create(inputs.Backbone));
        });

    private sealed record ThrowingOptions : RecommenderModelOptions;

    private static ILlmCfsrBuilder AddThrowing(ILlmCfsrBuilder builder) =>
        builder.AddRecommenderModel<ThrowingOptions>("broken", (_, _, _) => throw new InvalidOperationException("the factory failed on purpose"));

    [Fact]
    public void InvalidOptionsAreRejectedBeforeTraining()
    {
        using var services = Fixtures.Services();
        var runner = services.GetRequiredService<ComparisonRunner>();
        var output = Fixtures.TempFolder();
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => runner.Run(CyclicDataset.Create(), Options(output, "sasrec", "SASRec"))).Message);
        Assert.Contains("listed twice", Assert.Throws<ArgumentException>(() => runner.Run(CyclicDataset.Create(), Options(output, "sasrec") with { Protocols = ["full", "FULL"] })).Message);
        Assert.Contains("Unknown evaluation protocol", Assert.Throws<ArgumentException>(() => runner.Run(CyclicDataset.Create(), Options(output, "sasrec") with { Protocols = ["some"] })).Message);
        Assert.False(Directory.Exists(Path.Combine(output, "runs")));
    }
}
