using System.Diagnostics;
using TorchSharp;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Runs benchmark suites by name, prints a table per suite and writes benchmarks.json with every figure and
/// the machine it ran on. Usage: dotnet run -c Release --project tests/LlmCfsr.Benchmarks -- SUITE [--out FILE] [--threads N] [--data PREPARED_DIR (cft)] [--serving-1m (serving)].
/// </summary>
internal static class BenchmarkApplication
{
    public static int Run(string[] args)
    {
        // Child processes of the threads suite choose their own policy before libtorch loads.
        switch (args.FirstOrDefault())
        {
            case ThreadCell.Command: return ThreadCell.Run(args);
            case CpuBurner.Command: return CpuBurner.Run();
        }
        IReadOnlyList<IBenchmarkSuite> suites = new IBenchmarkSuite[]
        {
            new PeakSuite(),
            new TrainSuite(),
            new EvalSuite(),
            new EmbedSuite(),
            new MemorySuite(),
            new ProfileSuite(),
            new DistillSuite(),
            new ThreadsSuite(),
            new PyTorchSuite(),
            new CftSuite(OptionValue(args, "--data")),
            new ServingSuite(args.Contains("--serving-1m")),
            new WebApiSuite(),
        };
        string? suiteName = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal));
        string output = Path.GetFullPath(OptionValue(args, "--out") ?? "benchmarks.json");
        var selected = suiteName is null or "all" ? suites : suites.Where(s => s.Name == suiteName).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"Unknown suite '{suiteName}'. Suites: {string.Join(", ", suites.Select(s => s.Name))}, all.");
            return 2;
        }

        // The SDK's thread and allocator policies, as the CLI applies them: --threads, else LLMCFSR_THREADS, else
        // OMP_NUM_THREADS, else libtorch's own count; glibc's malloc thresholds unless LLMCFSR_MALLOC=default.
        var threads = OptionValue(args, "--threads") is { } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : 0;
        Runtime.TorchThreadPolicy.PrepareProcess(threads);
        string allocator = Runtime.NativeAllocatorPolicy.Prepare();
        var policy = Runtime.TorchThreadPolicy.Current;
        torch.InitializeDeviceType(DeviceType.CPU);
        Console.WriteLine($"Torch threads: {policy.Threads} ({policy.Source}); OpenMP wait: {policy.WaitPolicy}; allocator: {allocator}");
        var report = new BenchmarkReport(MachineInfo.Collect());
        foreach (var suite in selected)
        {
            Console.WriteLine($"== {suite.Name}: {suite.Description}");
            var watch = Stopwatch.StartNew();
            var figures = suite.Run(report);
            report.Add(suite.Name, figures);
            BenchmarkTable.Print(Console.Out, figures);
            Console.WriteLine($"   ({watch.Elapsed.TotalSeconds:F1} s)");
        }
        report.Write(output);
        Console.WriteLine($"Wrote {output}");
        return 0;
    }

    private static string? OptionValue(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
