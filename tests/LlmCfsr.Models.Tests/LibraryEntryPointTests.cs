using LlmCfsr.Comparison;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Recommendation;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// The library as a host uses it: the trainer and the comparison runner come from DI, <see cref="RecommenderTrainer.TrainAsync"/>
/// trains off the caller's thread, every entry point hands torch's default generator and thread count back as it found
/// them, and each model gets its paper's backbone sizes unless the training options set them.
/// </summary>
public sealed class LibraryEntryPointTests
{
    [Fact]
    public void TheTrainerAndTheComparisonRunnerAreResolvedFromTheProvider()
    {
        using var services = TestServices.Build();
        Assert.NotNull(services.GetRequiredService<RecommenderTrainer>());
        Assert.NotNull(services.GetRequiredService<ComparisonRunner>());
    }

    [Fact]
    public async Task TrainAsyncGivesTheResultOfTrainAndObservesCancellation()
    {
        using var services = TestServices.Build();
        var trainer = services.GetRequiredService<RecommenderTrainer>();
        var folder = Fixtures.TempFolder();
        var options = TrainerInputsTests.Tiny("sasrec", embeddings: null);
        using var expected = trainer.Train(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = Path.Combine(folder, "sync") });
        int callerThread = Environment.CurrentManagedThreadId;
        int reportingThread = -1;
        var progress = new SynchronousProgress(_ => reportingThread = Environment.CurrentManagedThreadId);
        using var actual = await trainer.TrainAsync(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = Path.Combine(folder, "async") }, progress);
        Assert.Equal(expected.Manifest.Test!["NDCG@10"], actual.Manifest.Test!["NDCG@10"], 12);
        Assert.NotEqual(-1, reportingThread);
        Assert.NotEqual(callerThread, reportingThread);

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => trainer.TrainAsync(
            new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = Path.Combine(folder, "cancelled") }, cancellationToken: cancelled.Token));
    }

    [Fact]
    public void TrainFitLoadAndBundleLoadRestoreTheGeneratorAndTheThreadCount()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var folder = Fixtures.TempFolder();
        var options = TrainerInputsTests.Tiny("sasrec", embeddings: null);
        int threads = torch.get_num_threads();
        int other = threads == 1 ? 2 : 1;
        // The host asks for another count than the process has, so a count left behind would show.
        using var host = TestServices.Build(("LlmCfsr:Threads", other.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var trainer = host.GetRequiredService<RecommenderTrainer>();
        manual_seed(77);

        var run = new RunDirectory(Path.Combine(folder, "run"));
        AssertUnchanged(threads, () => trainer.Train(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = run.Path }).Dispose());
        AssertUnchanged(threads, () => TrainedRun.LoadBestModel(catalog, run, Fixtures.Small, CPU).Dispose());
        var bundle = Path.Combine(folder, "bundle");
        RecommenderBundle.Export(run, Fixtures.Small, bundle, services);
        AssertUnchanged(threads, () => RecommenderBundle.Load(bundle, services).Dispose());

        // Fit draws from the generator as it stands (the caller seeds it), but restores the thread count.
        using var model = Fixtures.Create(services, "sasrec");
        trainer.Fit(model, Fixtures.Small, options);
        Assert.Equal(threads, torch.get_num_threads());
    }

    [Fact]
    public void LlmCfsrAndItsAblationsGetThePapersFourHeadsAndIdOnlySasRecKeepsOne()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var defaults = new TrainingOptions();
        foreach (var (name, _) in LlmCfsrVariants.Registered)
        {
            var backbone = defaults.BackboneFor(catalog.RecommenderModel(name).Options);
            Assert.Equal((64, 4), (backbone.HiddenSize, backbone.Heads));
        }
        Assert.Equal((64, 1), (defaults.BackboneFor(catalog.RecommenderModel("sasrec").Options).HiddenSize, defaults.BackboneFor(catalog.RecommenderModel("sasrec").Options).Heads));
        Assert.Equal(1, defaults.BackboneFor(catalog.RecommenderModel(LlmCfsrVariants.LlmEsr).Options).Heads);

        // Sizes set in the training options (--hidden, --heads) win, as in every run recorded before the per-model defaults.
        var explicitSizes = defaults with { HiddenSize = 8, Heads = 2 };
        Assert.Equal((8, 2), (explicitSizes.BackboneFor(catalog.RecommenderModel("llm-cfsr").Options).HiddenSize, explicitSizes.BackboneFor(catalog.RecommenderModel("llm-cfsr").Options).Heads));

        // A model's own sizes bind from its configuration section, and a pair that does not fit is refused before training.
        using var configured = TestServices.Build(("LlmCfsr:Models:llm-cfsr:Heads", "3"));
        var heads = configured.GetRequiredService<ComponentCatalog>().RecommenderModel("llm-cfsr").Options;
        Assert.Equal(3, heads.Heads);
        var error = Assert.Throws<ArgumentException>(() => ModelInputRequirements.Validate("llm-cfsr", heads, defaults with { SemanticEmbeddingsPath = "items.safetensors" }));
        Assert.Contains("Heads", error.Message, StringComparison.Ordinal);
    }

    private static void AssertUnchanged(int threads, Action call)
    {
        using var before = random.get_rng_state();
        call();
        using var after = random.get_rng_state();
        Assert.Equal(before.data<byte>().ToArray(), after.data<byte>().ToArray());
        Assert.Equal(threads, torch.get_num_threads());
    }

    /// <summary>Records on the reporting thread (unlike <see cref="Progress{T}"/>, which posts to a synchronisation context).</summary>
    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
