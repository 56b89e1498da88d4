using System.Runtime.InteropServices;
using TorchSharp;

namespace LlmCfsr.Benchmarks;

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(string Cpu, int LogicalCores, double MemoryGiB, string Os, string Runtime, string TorchSharp, int TorchThreads, string Device)
{
    public static MachineInfo Collect()
    {
        string cpu = "unknown";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        double memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return new MachineInfo(
            cpu,
            Environment.ProcessorCount,
            Math.Round(memory, 1),
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            torch.get_num_threads(),
            torch.cuda.is_available() ? "cuda" : "cpu");
    }
}
