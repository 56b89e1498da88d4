using System.Diagnostics;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Where a SASRec training step (hidden 64, length 50, batch 128, BCE with sampled negatives) spends its time:
/// stopwatch sections around batch building, negative sampling, the loss forward, backward, clipping and the
/// Adam update, each summed over the same steps. The sections are timed by running the trainer's parts one by
/// one (negatives are drawn once more on their own, so that section is also inside the forward).
/// </summary>
internal sealed class ProfileSuite : IBenchmarkSuite
{
    private const int Steps = 10;

    public string Name => "profile";

    public string Description => $"stopwatch sections of {Steps} SASRec training steps (hidden 64, length 50, batch 128)";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Dataset;
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var options = new TrainingOptions { Model = "sasrec", MaxLength = 50, HiddenSize = 64, BatchSize = 128, Seed = 42 };
        using var outer = NewDisposeScope();
        manual_seed(options.Seed);
        var context = new RecommenderModelContext { Dataset = dataset, Backbone = options.Backbone, Components = catalog, Services = services };
        using var model = catalog.RecommenderModel("sasrec").Create(context);
        var loss = catalog.RankingLoss("bce");
        using var optimizer = RecommenderTrainer.CreateOptimizer(model, options);
        using var windows = new TrainingWindows(dataset, options.MaxLength);
        using var negatives = new NegativeSampler(dataset);
        model.train();
        var batches = windows.EpochBatches(options.BatchSize, options.BucketByLength);
        var sections = new[] { "batch", "negatives", "forward+loss", "backward", "clip", "optimizer" };
        var elapsed = new double[sections.Length];
        var clock = new Stopwatch();
        void Time(int section, Action action)
        {
            clock.Restart();
            action();
            elapsed[section] += clock.Elapsed.TotalMilliseconds;
        }
        for (int step = 0; step < Steps + 2; step++)
        {
            using var scope = NewDisposeScope();
            TrainingBatch? batch = null;
            Tensor? value = null;
            Time(0, () => batch = windows.Batch(batches[step], TrainingObjective.AllPositions, options.MaskProbability, CPU));
            Time(1, () => negatives.Sample(batch!.Users.repeat_interleave(batch.Items.shape[1]), loss.NegativeSamples).Dispose());
            optimizer.zero_grad();
            Time(2, () => value = model.ComputeLoss(batch!, loss, negatives));
            Time(3, () => value!.backward());
            Time(4, () => nn.utils.clip_grad_norm_(model.parameters(), options.GradientClipNorm));
            Time(5, () => optimizer.step());
            if (step == 1)
            {
                Array.Clear(elapsed);
            }
        }
        double total = elapsed.Sum();
        return sections.Select((name, i) => new BenchmarkFigure($"{name} ms/step", elapsed[i] / Steps, "ms", $"{elapsed[i] / total:P0} of the sections")).ToList();
    }
}
