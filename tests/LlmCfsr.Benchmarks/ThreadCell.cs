using System.Diagnostics;
using System.Globalization;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Runtime;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// One cell of the <c>threads</c> matrix, run in its own process so that the OpenMP environment is chosen before
/// libtorch loads: SASRec training steps (hidden 64, length 50, batch 128, the trainer's own step) for a bounded
/// time; prints the throughput on a line of its own.
/// </summary>
internal static class ThreadCell
{
    public const string Command = "thread-cell";
    public const string ResultPrefix = "sequences/s=";

    /// <summary>Arguments: "library" (the SDK's policy, <see cref="TorchThreadPolicy.PrepareProcess"/>) or "libtorch" (nothing prepared), then the thread count (0 = the policy's or libtorch's default), then the seconds to time.</summary>
    public static int Run(string[] args)
    {
        bool library = args[1] == "library";
        int threads = int.Parse(args[2], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
        if (library)
        {
            TorchThreadPolicy.PrepareProcess(threads);
        }
        else if (threads > 0)
        {
            torch.set_num_threads(threads);
        }
        var dataset = BenchmarkWorkload.Generate(2_000, 2_000);
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var options = new TrainingOptions { Model = "sasrec", MaxLength = 50, HiddenSize = 64, BatchSize = 128, Seed = 42 };
        using var outer = NewDisposeScope();
        using var loop = new TrainingStepLoop(dataset, null, services, catalog, options);
        const int warmup = 2;
        var clock = new Stopwatch();
        long sequences = 0;
        int step = 0;
        // At least 3 timed steps (a collapsed configuration takes seconds per step), at most a minute.
        while (step < warmup + 3 || (clock.Elapsed.TotalSeconds < seconds && clock.Elapsed.TotalSeconds < 60))
        {
            using var scope = NewDisposeScope();
            if (step == warmup)
            {
                clock.Start();
            }
            var batch = loop.Batch(step);
            loop.Step(batch);
            if (step >= warmup)
            {
                sequences += batch.Items.shape[0];
            }
            step++;
        }
        Console.WriteLine($"{ResultPrefix}{(sequences / clock.Elapsed.TotalSeconds).ToString("R", CultureInfo.InvariantCulture)} threads={torch.get_num_threads()}");
        return 0;
    }
}
