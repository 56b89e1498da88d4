using System.Diagnostics;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Where a training step (hidden 64, batch 128, the trainer's epoch batching) spends its time, for SASRec at
/// length 50 and 200 and LLM-CFSR at length 200: stopwatch sections around batch building, negative sampling, the
/// loss forward, backward, clipping and the Adam update, each summed over the same steps. The sections are timed
/// by running the trainer's parts one by one (negatives are drawn once more on their own, so that section is also
/// inside the forward).
/// </summary>
internal sealed class ProfileSuite : IBenchmarkSuite
{
    private const int Steps = 10;
    private static readonly string[] Sections = ["batch", "negatives", "forward+loss", "backward", "clip", "optimizer"];

    public string Name => "profile";

    public string Description => $"stopwatch sections of {Steps} training steps (hidden 64, batch 128): SASRec L=50, L=200, LLM-CFSR L=200";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Dataset;
        var embeddings = BenchmarkWorkload.ItemEmbeddings(dataset);
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var figures = new List<BenchmarkFigure>();
        foreach (var (model, maxLength) in new[] { ("sasrec", 50), ("sasrec", 200), ("llm-cfsr", 200) })
        {
            var options = new TrainingOptions { Model = model, MaxLength = maxLength, HiddenSize = 64, BatchSize = 128, Seed = 42 };
            using var outer = NewDisposeScope();
            using var loop = new TrainingStepLoop(dataset, embeddings, services, catalog, options);
            var elapsed = Profile(loop);
            double total = elapsed.Sum();
            figures.AddRange(Sections.Select((name, i) => new BenchmarkFigure($"{model} L={maxLength} {name} ms/step", elapsed[i] / Steps, "ms", $"{elapsed[i] / total:P0} of the sections")));
        }
        return figures;
    }

    private static double[] Profile(TrainingStepLoop loop)
    {
        var elapsed = new double[Sections.Length];
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
            Time(0, () => batch = loop.Batch(step));
            Time(1, () => loop.Negatives.Sample(batch!.Users.repeat_interleave(batch.Items.shape[1]), loop.Loss.NegativeSamples).Dispose());
            loop.Optimizer.zero_grad();
            Time(2, () => value = loop.Model.ComputeLoss(batch!, loop.Loss, loop.Negatives));
            Time(3, () => value!.backward());
            Time(4, () => nn.utils.clip_grad_norm_(loop.Model.parameters(), loop.Options.GradientClipNorm));
            Time(5, () => loop.Optimizer.step());
            if (step == 1)
            {
                Array.Clear(elapsed);
            }
        }
        return elapsed;
    }
}
