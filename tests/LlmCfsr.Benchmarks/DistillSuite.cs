using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// LLM-ESR's self-distillation against LLM-CFSR (issue 17: at most 3× its per-epoch time) at hidden 64, length 50,
/// batch 128, on an Office-sized catalogue (4,905 users, 2,420 items: Amazon Office 5-core's size) and on the
/// 30,000-user workload: sequences/s of the trainer's own steps for both, their ratio (same users per epoch, so the
/// ratio of per-epoch times), and the teacher's share of an LLM-ESR step, timed on its own on the same batches with
/// the distinct neighbours, passes and padded cells it encodes, under three pass plans: the default width cut, one
/// pass per distinct length, and the fewest passes (<see cref="UserSelfDistillation.TeacherChunk"/> rows each, the
/// plan before the width cut).
/// </summary>
internal sealed class DistillSuite : IBenchmarkSuite
{
    private const int BatchSize = 128;
    private const int MaxLength = 50;
    private const int Steps = 10;
    private const int WarmupSteps = 2;

    public string Name => "distill";

    public string Description => $"llm-esr vs llm-cfsr training steps (hidden 64, length {MaxLength}, batch {BatchSize}) and the self-distillation teacher's share";

    /// <summary>A pass overhead so large that the plan takes the fewest passes: the previous 512-row passes.</summary>
    private const long FewestPasses = 1L << 40;

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var figures = new List<BenchmarkFigure>();
        foreach (var (label, dataset) in new[] { ("office-sized", BenchmarkWorkload.Generate(4_905, 2_420)), ("30k users", BenchmarkWorkload.Dataset) })
        {
            var embeddings = BenchmarkWorkload.ItemEmbeddings(dataset);
            var users = BenchmarkWorkload.UserEmbeddings(dataset);
            var (cfsr, _) = Measure(Options("llm-cfsr"), dataset, embeddings, users, services, catalog, UserSelfDistillation.DefaultPassOverheadCells);
            string size = $"{Steps} steps, {dataset.UserCount:N0} users";
            figures.Add(new BenchmarkFigure($"{label} llm-cfsr sequences/s", cfsr, "seq/s", size));
            foreach (var (plan, overhead) in new[]
                {
                    ("width-cut passes", UserSelfDistillation.DefaultPassOverheadCells),
                    ("a pass per length", 0L),
                    ("512-row passes", FewestPasses),
                })
            {
                var (esr, teacher) = Measure(Options("llm-esr"), dataset, embeddings, users, services, catalog, overhead);
                double stepMs = 1000.0 * BatchSize / esr;
                double teacherMs = teacher.Milliseconds / Steps;
                figures.Add(new BenchmarkFigure($"{label} llm-esr ({plan}) sequences/s", esr, "seq/s", size));
                figures.Add(new BenchmarkFigure($"{label} llm-esr ({plan}) / llm-cfsr per-epoch time", cfsr / esr, "x", "target <= 3 (issue 17)"));
                figures.Add(new BenchmarkFigure($"{label} teacher ({plan}) ms/step", teacherMs, "ms",
                    $"{teacherMs / stepMs:P0} of an llm-esr step; {(double)teacher.Rows / Steps:F0} rows in {(double)teacher.Passes / Steps:F1} passes/step; "
                    + $"{(double)teacher.Cells / teacher.Items:F2} encoded cells per real item"));
            }
        }
        return figures;
    }

    private static TrainingOptions Options(string model) => new() { Model = model, MaxLength = MaxLength, HiddenSize = 64, BatchSize = BatchSize, Seed = 42 };

    private static (double SequencesPerSecond, TeacherCost Teacher) Measure(TrainingOptions options, PreparedDataset dataset, ItemEmbeddingCache embeddings,
        UserEmbeddingCache users, IServiceProvider services, ComponentCatalog catalog, long passOverheadCells)
    {
        using var outer = NewDisposeScope();
        using var loop = new TrainingStepLoop(dataset, embeddings, services, catalog, options, users);
        var distillation = (loop.Model as DualViewRecommender)?.SelfDistillation;
        if (distillation is not null)
        {
            distillation.PassOverheadCells = passOverheadCells;
        }
        var teacher = new TeacherCost();
        long sequences = 0;
        var clock = new Stopwatch();
        var teacherClock = new Stopwatch();
        for (int step = 0; step < WarmupSteps + Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = loop.Batch(step);
            bool timed = step >= WarmupSteps;
            if (timed)
            {
                clock.Start();
            }
            loop.Step(batch);
            clock.Stop();
            if (!timed)
            {
                continue;
            }
            sequences += batch.Items.shape[0];
            if (distillation is not null)
            {
                // The teacher the step computed, once more on its own (one update later, which does not change its cost).
                teacherClock.Start();
                distillation.TeacherStates(loop.Model, batch.Users).Dispose();
                teacherClock.Stop();
                teacher = teacher.Add(distillation.TeacherPasses(batch.Users));
            }
        }
        return (sequences / clock.Elapsed.TotalSeconds, teacher with { Milliseconds = teacherClock.Elapsed.TotalMilliseconds });
    }

    private sealed record TeacherCost(double Milliseconds = 0, long Rows = 0, long Passes = 0, long Cells = 0, long Items = 0)
    {
        public TeacherCost Add(IReadOnlyList<(long Rows, long Width, long Items)> passes) => this with
        {
            Rows = Rows + passes.Sum(p => p.Rows),
            Passes = Passes + passes.Count,
            Cells = Cells + passes.Sum(p => p.Rows * Math.Max(1, p.Width)),
            Items = Items + passes.Sum(p => p.Items),
        };
    }
}
