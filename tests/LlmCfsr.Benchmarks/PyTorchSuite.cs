using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Our SASRec training step against a minimal PyTorch one (pytorch_sasrec_step.py, run by the system's
/// /usr/bin/python3 with Debian's python3-torch) at identical shapes and batching: batch 128 of full-width random
/// sequences (no padding) of length 50 and 200, hidden 64, 2 blocks, 1 head, 20,000 items, BCE with one negative,
/// clipping and Adam, one thread each. The two run back to back, alternating, <see cref="Rounds"/> times. Without
/// python3-torch the suite prints why and reports nothing.
/// </summary>
internal sealed class PyTorchSuite : IBenchmarkSuite
{
    private const string Python = "/usr/bin/python3";
    private const int Rounds = 2;
    private const int Batch = 128;
    private const int Hidden = 64;
    private const int Warmup = 2;

    public string Name => "pytorch";

    public string Description => $"SASRec training step, ours vs PyTorch ({Python}), batch {Batch}, full-width sequences, hidden 64, 1 thread";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "pytorch_sasrec_step.py");
        if (PyTorchVersion() is not { } version)
        {
            Console.WriteLine($"   skipped: {Python} cannot import torch (install Debian's python3-torch to compare).");
            return [];
        }
        var dataset = BenchmarkWorkload.Generate(2_000, BenchmarkWorkload.Items);
        using var services = BenchmarkServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        int previousThreads = torch.get_num_threads();
        torch.set_num_threads(1);
        var figures = new List<BenchmarkFigure>();
        try
        {
            // The one-thread matmul peak of these minutes (the higher of a measure before and one after the rounds), so
            // that both sides' FLOP rates are read against the same ceiling.
            double peakBefore = PeakSuite.Measure(1024);
            var rates = new List<(int Length, string Side, double SequencesPerSecond)>();
            foreach (int length in new[] { 50, 200 })
            {
                int steps = length == 50 ? 20 : 8;
                var ours = new List<double>();
                var theirs = new List<double>();
                for (int round = 0; round < Rounds; round++)
                {
                    ours.Add(Ours(dataset, services, catalog, length, steps));
                    theirs.Add(Theirs(script, dataset.ItemCount, length, steps));
                    Console.WriteLine($"   L={length}, round {round + 1}: ours {ours[^1]:F0} seq/s, PyTorch {theirs[^1]:F0} seq/s");
                }
                double oursMean = ours.Average(), theirsMean = theirs.Average();
                string detail = $"{steps} steps after {Warmup}, mean of {Rounds} alternating rounds";
                figures.Add(new BenchmarkFigure($"ours L={length}", oursMean, "seq/s", detail));
                figures.Add(new BenchmarkFigure($"PyTorch {version} L={length}", theirsMean, "seq/s", detail));
                figures.Add(new BenchmarkFigure($"ours / PyTorch L={length}", oursMean / theirsMean, "ratio", "target ≥ 1.5"));
                rates.Add((length, "ours", oursMean));
                rates.Add((length, $"PyTorch {version}", theirsMean));
            }
            double peak = Math.Max(peakBefore, PeakSuite.Measure(1024));
            figures.Add(new BenchmarkFigure("peak 1 thread", peak, "GFLOP/s", "n = 1,024 fp32 matmul, the higher of a measure before and one after the rounds"));
            var loss = catalog.RankingLoss("bce");
            foreach (var (length, side, rate) in rates)
            {
                // Every position of a full-width random batch is real and a target, so the step's FLOPs follow from the shapes.
                double flopsPerSequence = TrainingFlops.Step("sasrec", 1, length, length, length, Hidden, SasRecOptions(length).Layers, loss.NegativeSamples, dataset.ItemCount, 0);
                double gflops = rate * flopsPerSequence / 1e9;
                figures.Add(new BenchmarkFigure($"{side} L={length} achieved", gflops, "GFLOP/s", $"{gflops / peak:P1} of the one-thread peak"));
            }
        }
        finally
        {
            torch.set_num_threads(previousThreads);
        }
        return figures;
    }

    private static double Ours(Data.PreparedDataset dataset, IServiceProvider services, ComponentCatalog catalog, int length, int steps)
    {
        using var outer = NewDisposeScope();
        using var loop = new TrainingStepLoop(dataset, null, services, catalog, SasRecOptions(length));
        var generator = new Generator(7);
        using var firstUser = 1.ToScalar();
        using var endUser = (Batch + 1).ToScalar();
        var batch = new TrainingBatch
        {
            Users = TensorArithmetic.Arange(firstUser, endUser, ScalarType.Int64, device: null),
            Items = randint(1, dataset.ItemCount + 1, [Batch, length], generator: generator),
            Targets = randint(1, dataset.ItemCount + 1, [Batch, length], generator: generator),
        };
        var clock = new Stopwatch();
        for (int step = 0; step < Warmup + steps; step++)
        {
            if (step == Warmup)
            {
                clock.Start();
            }
            using var scope = NewDisposeScope();
            loop.Step(batch);
        }
        return (double)Batch * steps / clock.Elapsed.TotalSeconds;
    }

    private static TrainingOptions SasRecOptions(int length) => new() { Model = "sasrec", MaxLength = length, HiddenSize = Hidden, BatchSize = Batch, Seed = 42 };

    private static double Theirs(string script, int items, int length, int steps)
    {
        string output = RunPython(script, "--batch", Batch.ToString(CultureInfo.InvariantCulture), "--length", length.ToString(CultureInfo.InvariantCulture),
            "--items", items.ToString(CultureInfo.InvariantCulture), "--steps", steps.ToString(CultureInfo.InvariantCulture),
            "--warmup", Warmup.ToString(CultureInfo.InvariantCulture), "--threads", "1");
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        return json.RootElement.GetProperty("sequences_per_second").GetDouble();
    }

    private static string? PyTorchVersion()
    {
        if (!File.Exists(Python))
        {
            return null;
        }
        try
        {
            return RunPython("-c", "import torch; print(torch.__version__)").Trim();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static string RunPython(params string[] arguments)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{Python} failed (exit {process.ExitCode}): {error.Result}");
    }
}
