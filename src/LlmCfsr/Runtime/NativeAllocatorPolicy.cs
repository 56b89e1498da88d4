using System.Runtime.InteropServices;

namespace LlmCfsr.Runtime;

/// <summary>
/// glibc's malloc thresholds for libtorch's CPU tensors, which libtorch allocates with plain <c>malloc</c>.
/// <para>
/// With glibc's defaults a training step that frees and reallocates megabyte-sized tensors hands their memory back to
/// the kernel (heap trimming, and <c>mmap</c> for blocks above a threshold that starts at 128 KiB) and faults it in
/// again at the next step: on a catalogue of 20,000 items LLM-CFSR's step took 3.7× its 2,420-item time for that
/// alone, and BERT4Rec's and LLM-CFSR's steps ran 1.4–4× slower than with the settings below (docs/performance.md,
/// "Session 8"). So, on Linux with glibc, <see cref="Prepare"/> sets, through <c>mallopt</c>, an mmap threshold of
/// 32 MiB, a trim threshold of 2 GiB and a top pad of 256 MiB, and turns off mapping blocks one by one (<c>M_MMAP_MAX</c>
/// 0): freed tensor memory stays in the process for the next step, at the price that the heap does not shrink below its
/// peak. Without the last setting every block above 32 MiB (glibc's highest threshold) was still mapped and faulted in
/// afresh at every step: LLM-CFSR's step on full 200-item windows, whose 4-head attention weights are 82 MB per block,
/// ran 7× slower for it ("Session 9"). glibc still maps a block when the calling thread's heap cannot hold it (a thread
/// other than the process's first one has heaps of at most 64 MiB). The settings apply to every thread and take
/// effect immediately, so they need not be set before libtorch loads.
/// </para>
/// <para>
/// Left alone when <see cref="EnvironmentVariable"/> is <c>default</c>, when <c>GLIBC_TUNABLES</c> already sets a
/// <c>glibc.malloc.*</c> tunable (the user's choice wins), and on other platforms or C libraries.
/// </para>
/// </summary>
public static class NativeAllocatorPolicy
{
    /// <summary>Environment variable: <c>tuned</c> (default) applies the settings, <c>default</c> keeps glibc's.</summary>
    public const string EnvironmentVariable = "LLMCFSR_MALLOC";

    /// <summary>The mmap threshold set (bytes): blocks below it come from the heap and are reused.</summary>
    public const int MmapThreshold = 32 << 20;

    /// <summary>The trim threshold set (bytes): free memory at the heap's top is returned above it only.</summary>
    public const int TrimThreshold = int.MaxValue;

    /// <summary>The top pad set (bytes): extra memory requested whenever the heap grows.</summary>
    public const int TopPad = 256 << 20;

    /// <summary>The most blocks mapped one by one at once: none, so blocks above the mmap threshold come from the heap too.</summary>
    public const int MmapMax = 0;

    // mallopt parameter numbers of glibc's <malloc.h>.
    private const int MallocTrimThreshold = -1;
    private const int MallocTopPad = -2;
    private const int MallocMmapThreshold = -3;
    private const int MallocMmapMax = -4;

    private static readonly Lock Gate = new();
    private static string? _state;

    /// <summary>What the policy did in this process, for <c>llmcfsr doctor</c>; null before <see cref="Prepare"/>.</summary>
    public static string? Current
    {
        get
        {
            lock (Gate)
            {
                return _state;
            }
        }
    }

    /// <summary>
    /// Applies the settings once per process (later calls change nothing) and returns what was done.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="EnvironmentVariable"/> is neither <c>tuned</c> nor <c>default</c>.</exception>
    public static string Prepare()
    {
        var choice = Environment.GetEnvironmentVariable(EnvironmentVariable);
        lock (Gate)
        {
            return _state ??= Apply(Decide(choice, Environment.GetEnvironmentVariable("GLIBC_TUNABLES"), OperatingSystem.IsLinux() && IsGlibc()));
        }
    }

    /// <summary>Whether to apply the settings, or why not, for the environment given.</summary>
    /// <exception cref="ArgumentException"><paramref name="choice"/> is neither empty, <c>tuned</c> nor <c>default</c>.</exception>
    internal static (bool Apply, string Reason) Decide(string? choice, string? glibcTunables, bool glibc)
    {
        bool tuned = string.IsNullOrEmpty(choice) || string.Equals(choice, "tuned", StringComparison.OrdinalIgnoreCase);
        if (!tuned && !string.Equals(choice, "default", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"{EnvironmentVariable} must be 'tuned' or 'default' (got '{choice}').");
        }
        if (!tuned)
        {
            return (false, $"the C library's defaults ({EnvironmentVariable}=default)");
        }
        if (!glibc)
        {
            return (false, "the C library's defaults (not glibc)");
        }
        if (glibcTunables?.Contains("glibc.malloc.", StringComparison.Ordinal) == true)
        {
            return (false, "glibc's, from GLIBC_TUNABLES");
        }
        return (true, $"glibc tuned for tensors: blocks from the heap (no mapping per block, mmap threshold {MmapThreshold >> 20} MiB), no trimming below {(TrimThreshold + 1L) >> 30} GiB, top pad {TopPad >> 20} MiB (set {EnvironmentVariable}=default to keep glibc's)");
    }

    private static string Apply((bool Apply, string Reason) decision)
    {
        if (!decision.Apply)
        {
            return decision.Reason;
        }
        // mallopt returns 1 on success, 0 for a parameter or value it rejects.
        bool applied = NativeMethods.mallopt(MallocMmapThreshold, MmapThreshold) == 1
            & NativeMethods.mallopt(MallocTrimThreshold, TrimThreshold) == 1
            & NativeMethods.mallopt(MallocTopPad, TopPad) == 1
            & NativeMethods.mallopt(MallocMmapMax, MmapMax) == 1;
        return applied ? decision.Reason : "glibc's defaults (mallopt refused the settings)";
    }

    private static bool IsGlibc()
    {
        try
        {
            return NativeMethods.gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int mallopt(int parameter, int value);

        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern IntPtr gnu_get_libc_version();
    }
}
