using System.Runtime.InteropServices;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). With one torch thread every operation runs
/// on the caller, so this counts the work and not the time spent waiting for a core on a shared machine.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ThreadCpuTimeId = 3;

    /// <summary>Whether the clock can be read here (Linux); elsewhere callers fall back to wall time.</summary>
    public static bool Available { get; } = OperatingSystem.IsLinux();

    /// <summary>The calling thread's CPU time in milliseconds.</summary>
    public static double Milliseconds()
    {
        if (NativeMethods.clock_gettime(ThreadCpuTimeId, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed.");
        }
        return time.Seconds * 1e3 + time.Nanoseconds / 1e6;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", SetLastError = false)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_gettime(int clockId, out TimeSpec time);
    }
}
