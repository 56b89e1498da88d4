using System.Diagnostics;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Where a training step (hidden 64, batch 128, the trainer's epoch batching) spends its time, for SASRec at
/// length 50 and 200 and LLM-CFSR at length 200 on the real-sized dataset, and LLM-CFSR at length 50 on 4,905 users
/// over an Office-sized catalogue (2,420 items) and over the real one (20,000 items), so that what scales with the
/// catalogue shows, and SASRec and LLM-CFSR on full 200-item windows (issue 17's point 5 at its literal shapes):
/// sections around batch building, negative sampling, the loss forward, backward, clipping and the Adam update, each
/// summed over the same steps, in the calling thread's CPU time (with one torch thread every operation runs there, so
/// waiting for a core on a shared machine is not counted; wall time elsewhere than Linux).
/// The sections are timed by running the trainer's parts one by one (negatives are drawn once more on their own, so
/// that section is also inside the forward).
/// </summary>
internal sealed class ProfileSuite : IBenchmarkSuite
{
    private const int Steps = 10;
    private static readonly string[] Sections = ["batch", "negatives", "forward+loss", "backward", "clip", "optimizer"];

    public string Name => "profile";

    public string Description => $"sections of {Steps} training steps (hidden 64, batch 128): SASRec L=50, L=200, LLM-CFSR L=200; LLM-CFSR L=50 over 2,420 and 20,000 items; SASRec and LLM-CFSR on full 200-item windows";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var figures = new List<BenchmarkFigure>();
        var full = BenchmarkWorkload.Dataset;
        var office = BenchmarkWorkload.Generate(4_905, 2_420);
        var officeUsers = BenchmarkWorkload.Generate(4_905, BenchmarkWorkload.Items);
        string clock = ThreadCpuClock.Available ? "thread CPU" : "wall";
        foreach (var (label, dataset, model, maxLength, fullWidth) in new[]
            {
                ("", full, "sasrec", 50, false), ("", full, "sasrec", 200, false), ("", full, "llm-cfsr", 200, false),
                (" 2,420 items", office, "llm-cfsr", 50, false), (" 20,000 items", officeUsers, "llm-cfsr", 50, false),
                (" full width", full, "sasrec", 200, true), (" full width", full, "llm-cfsr", 200, true),
            })
        {
            var embeddings = BenchmarkWorkload.ItemEmbeddings(dataset);
            var options = new TrainingOptions { Model = model, MaxLength = maxLength, HiddenSize = 64, BatchSize = 128, Seed = 42 };
            using var outer = NewDisposeScope();
            using var loop = new TrainingStepLoop(dataset, embeddings, services, catalog, options);
            var (elapsed, width) = Profile(loop, fullWidth ? loop.FullWidthBatch : loop.Batch);
            double total = elapsed.Sum();
            figures.AddRange(Sections.Select((name, i) => new BenchmarkFigure($"{model} L={maxLength}{label} {name} ms/step", elapsed[i] / Steps, "ms",
                $"{clock}; {elapsed[i] / total:P0} of the sections; {dataset.UserCount:N0} users, {dataset.ItemCount:N0} items; mean width {width:F1}")));
        }
        return figures;
    }

    private static (double[] Elapsed, double MeanWidth) Profile(TrainingStepLoop loop, Func<int, TrainingBatch> batches)
    {
        var elapsed = new double[Sections.Length];
        long columns = 0;
        var clock = new Stopwatch();
        void Time(int section, Action action)
        {
            double start = ThreadCpuClock.Available ? ThreadCpuClock.Milliseconds() : 0;
            clock.Restart();
            action();
            elapsed[section] += ThreadCpuClock.Available ? ThreadCpuClock.Milliseconds() - start : clock.Elapsed.TotalMilliseconds;
        }
        for (int step = 0; step < Steps + 2; step++)
        {
            using var scope = NewDisposeScope();
            TrainingBatch? batch = null;
            Tensor? value = null;
            Time(0, () => batch = batches(step));
            columns += step >= 2 ? batch!.Items.shape[1] : 0;
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
        return (elapsed, (double)columns / Steps);
    }
}
