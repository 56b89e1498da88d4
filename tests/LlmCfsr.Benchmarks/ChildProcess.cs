using System.Diagnostics;
using System.Reflection;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Starts this benchmark program again as a child process (a thread-policy cell or a CPU burner), with the
/// thread-related environment cleared so each child chooses its own policy before its libtorch loads.
/// </summary>
internal static class ChildProcess
{
    private static readonly string[] ThreadVariables = ["OMP_NUM_THREADS", "OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "MKL_NUM_THREADS", Runtime.TorchThreadPolicy.EnvironmentVariable];

    public static Process Start(params string[] arguments)
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("The benchmark's own executable is unknown.");
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var variable in ThreadVariables)
        {
            start.Environment.Remove(variable);
        }
        return Process.Start(start) ?? throw new InvalidOperationException($"Could not start {host}.");
    }

    /// <summary>Ends a child and its descendants if it is still running, and waits for it.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        process.Dispose();
    }
}
