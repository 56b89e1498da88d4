using System.Diagnostics;
using System.Globalization;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// The thread policy under competition: SASRec training throughput (<see cref="ThreadCell"/>, each cell its own
/// process) for the SDK's default policy, fixed counts of 1 and 2 threads (with the SDK's passive waiting) and
/// libtorch's own defaults, while 0, 1 and 2 single-threaded CPU burners (<see cref="CpuBurner"/>, started here and
/// stopped after their row) compete for the cores. Every row is measured <see cref="Rounds"/> times, configurations
/// alternating, and the figures are the means. Target: the default at ≥ 80 % of the best fixed count in every row.
/// </summary>
internal sealed class ThreadsSuite : IBenchmarkSuite
{
    private const int Rounds = 2;
    private const double CellSeconds = 4;

    private static readonly (string Name, string Policy, int Threads, bool Fixed)[] Configurations =
    [
        ("default", "library", 0, false),
        ("1 thread", "library", 1, true),
        ("2 threads", "library", 2, true),
        ("2 threads, libgomp spin", "libtorch", 2, true),
        ("libtorch default", "libtorch", 0, false),
    ];

    public string Name => "threads";

    public string Description => $"SASRec training seq/s (hidden 64, L 50, batch 128) per thread policy with 0, 1, 2 competing CPU burners; {Rounds} rounds of {CellSeconds} s per cell";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var figures = new List<BenchmarkFigure>();
        var matrix = new double[Configurations.Length, 3];
        for (int burners = 0; burners <= 2; burners++)
        {
            var started = Enumerable.Range(0, burners).Select(_ => ChildProcess.Start(CpuBurner.Command)).ToList();
            try
            {
                Thread.Sleep(500);
                double load = LoadAverage();
                for (int round = 0; round < Rounds; round++)
                {
                    for (int c = 0; c < Configurations.Length; c++)
                    {
                        double value = Cell(Configurations[c].Policy, Configurations[c].Threads);
                        Console.WriteLine($"   {burners} burners, round {round + 1}: {Configurations[c].Name,-24} {value,8:F0} seq/s");
                        matrix[c, burners] += value / Rounds;
                    }
                }
                double bestFixed = Enumerable.Range(0, Configurations.Length).Where(c => Configurations[c].Fixed).Max(c => matrix[c, burners]);
                foreach (var (configuration, c) in Configurations.Select((x, i) => (x, i)))
                {
                    figures.Add(new BenchmarkFigure($"{configuration.Name}, {burners} burners", matrix[c, burners], "seq/s",
                        $"{matrix[c, burners] / bestFixed:P0} of the best fixed count; load {load:F1} at the row's start"));
                }
                figures.Add(new BenchmarkFigure($"default / best fixed, {burners} burners", matrix[0, burners] / bestFixed, "ratio", "target ≥ 0.80"));
            }
            finally
            {
                started.ForEach(ChildProcess.Stop);
            }
        }
        PrintMatrix(matrix);
        return figures;
    }

    private static double Cell(string policy, int threads)
    {
        using var process = ChildProcess.Start(ThreadCell.Command, policy, threads.ToString(CultureInfo.InvariantCulture), CellSeconds.ToString(CultureInfo.InvariantCulture));
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(ThreadCell.ResultPrefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The thread cell printed no result (exit {process.ExitCode}): {error}");
        return double.Parse(line[ThreadCell.ResultPrefix.Length..].Split(' ')[0], CultureInfo.InvariantCulture);
    }

    private static void PrintMatrix(double[,] matrix)
    {
        Console.WriteLine($"   {"seq/s",-26}{"0 burners",12}{"1 burner",12}{"2 burners",12}");
        for (int c = 0; c < Configurations.Length; c++)
        {
            Console.WriteLine($"   {Configurations[c].Name,-26}{matrix[c, 0],12:F0}{matrix[c, 1],12:F0}{matrix[c, 2],12:F0}");
        }
    }

    private static double LoadAverage() => File.Exists("/proc/loadavg")
        ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture)
        : double.NaN;
}
