using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;

namespace LlmCfsr.Runtime;

/// <summary>
/// How many intra-op threads libtorch uses and how its OpenMP threads wait, for a CPU that other processes share.
/// <para>
/// The count is the first of: an explicit request (<c>--threads</c>, <see cref="DependencyInjection.LlmCfsrOptions.Threads"/>),
/// the count the process was prepared with, <see cref="EnvironmentVariable"/>, <c>OMP_NUM_THREADS</c>, else
/// libtorch's own count (its physical cores), left untouched.
/// </para>
/// <para>
/// What collapses on a busy machine is not the count but the waiting (benchmark <c>threads</c>, docs/performance.md):
/// libgomp (libtorch's OpenMP on Linux) by default spins up to 300,000 iterations at every barrier, taking the core
/// from the very thread it waits for, and <c>torch.set_num_threads</c> also turns off MKL's dynamic choice of fewer
/// threads for small products. So, unless the user set <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c>,
/// <see cref="PrepareProcess"/> sets <c>OMP_WAIT_POLICY=PASSIVE</c>, and the count as <c>OMP_NUM_THREADS</c>, in the
/// native environment (<c>setenv</c>: .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/> does not
/// reach native code on Unix) before libtorch loads, which reads both once; <c>set_num_threads</c> is called only when
/// the count must change after loading.
/// </para>
/// <para>
/// Torch's thread count is process-wide. Hosts (the CLI, the quickstart) call <see cref="PrepareProcess"/> once,
/// first thing; the library (<see cref="Training.RecommenderTrainer"/>) applies its count with <see cref="Use"/>,
/// which changes nothing when the count is already in force and otherwise restores the previous count when disposed.
/// </para>
/// </summary>
public static class TorchThreadPolicy
{
    /// <summary>Environment variable naming the thread count (a positive integer).</summary>
    public const string EnvironmentVariable = "LLMCFSR_THREADS";

    private const string WaitPolicyVariable = "OMP_WAIT_POLICY";
    private const string SpinCountVariable = "GOMP_SPINCOUNT";
    private const string OmpThreadsVariable = "OMP_NUM_THREADS";
    private const string NotPrepared = "libtorch's default: spin, then sleep (not prepared before libtorch loaded)";
    private static readonly Lock Gate = new();
    private static string? _waitPolicySource;
    private static string _countSource = "libtorch's default (no policy applied)";
    private static int _processThreads;
    private static bool _prepared;

    /// <summary>
    /// Resolves the count (see the class remarks) for <paramref name="requested"/> (0 = not requested), and, when
    /// libtorch is not loaded yet, sets the wait policy and <c>OMP_NUM_THREADS</c> in the native environment so that
    /// libtorch starts with them; when it is loaded, sets torch's thread count. Call once per process, before any
    /// torch call; <see cref="Current"/> then describes the policy.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="requested"/> is negative, or an environment variable is not a positive integer.</exception>
    public static void PrepareProcess(int requested = 0)
    {
        var (threads, source) = Resolve(requested);
        lock (Gate)
        {
            if (!NativeTorchLoaded())
            {
                PrepareWaitPolicyLocked();
                if (threads > 0)
                {
                    SetNative(OmpThreadsVariable, threads.ToString(CultureInfo.InvariantCulture));
                }
                if (threads > Environment.ProcessorCount)
                {
                    // libtorch caps the count it starts with at the cores; more threads than cores must be set after loading.
                    torch.set_num_threads(threads);
                }
            }
            else if (threads > 0 && torch.get_num_threads() != threads)
            {
                torch.set_num_threads(threads);
            }
            _countSource = source;
            _processThreads = threads;
        }
    }

    /// <summary>
    /// Sets the wait policy in the native environment if libtorch is not loaded yet and the user chose none
    /// (called by <c>AddLlmCfsr()</c>, which hosts run before their first torch call).
    /// </summary>
    public static void PrepareWaitPolicy()
    {
        lock (Gate)
        {
            if (!NativeTorchLoaded())
            {
                PrepareWaitPolicyLocked();
            }
        }
    }

    /// <summary>
    /// Applies the count for <paramref name="requested"/> (0 = not requested: the process's prepared count, then
    /// <see cref="EnvironmentVariable"/>, then <c>OMP_NUM_THREADS</c>, else libtorch's own count, left as it is)
    /// until the returned scope is disposed, which restores the previous count. Loads libtorch.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="requested"/> is negative, or an environment variable is not a positive integer.</exception>
    public static IDisposable Use(int requested)
    {
        var (threads, _) = Resolve(requested);
        int previous = torch.get_num_threads();
        if (threads == 0 || previous == threads)
        {
            return NoChange.Instance;
        }
        torch.set_num_threads(threads);
        return new Restore(previous);
    }

    /// <summary>The policy in force now (loads libtorch to read the count).</summary>
    public static TorchThreadSettings Current
    {
        get
        {
            lock (Gate)
            {
                return new TorchThreadSettings(torch.get_num_threads(), _countSource, _waitPolicySource ?? UserWaitPolicy() ?? NotPrepared);
            }
        }
    }

    /// <summary>
    /// The thread count and where it came from, for <paramref name="requested"/> (0 = not requested: the count the
    /// process was prepared with, else the environment variables, else 0: libtorch's own count, "automatic").
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="requested"/> is negative, or an environment variable is not a positive integer.</exception>
    public static (int Threads, string Source) Resolve(int requested)
    {
        if (requested < 0)
        {
            throw new ArgumentException($"Threads must be 0 (automatic) or positive (got {requested}).", nameof(requested));
        }
        if (requested > 0)
        {
            return (requested, "requested");
        }
        lock (Gate)
        {
            if (_processThreads > 0)
            {
                return (_processThreads, _countSource);
            }
        }
        foreach (var variable in new[] { EnvironmentVariable, OmpThreadsVariable })
        {
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } text)
            {
                if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                {
                    throw new ArgumentException($"{variable} must be a positive integer (got '{text}').");
                }
                return (value, variable);
            }
        }
        return (0, "automatic");
    }

    private static void PrepareWaitPolicyLocked()
    {
        if (_prepared)
        {
            return;
        }
        _prepared = true;
        if (UserWaitPolicy() is null && SetNative(WaitPolicyVariable, "PASSIVE"))
        {
            _waitPolicySource = "PASSIVE (set before libtorch loaded)";
        }
    }

    /// <summary>The wait policy the user chose through the environment, described, or null.</summary>
    private static string? UserWaitPolicy() =>
        Environment.GetEnvironmentVariable(WaitPolicyVariable) is { Length: > 0 } policy ? $"{policy.ToUpperInvariant()} (from {WaitPolicyVariable})"
        : Environment.GetEnvironmentVariable(SpinCountVariable) is { Length: > 0 } spin ? $"spin count {spin} (from {SpinCountVariable})"
        : null;

    /// <summary>Whether libtorch (and so its OpenMP runtime, which reads the environment once) is already loaded.</summary>
    private static bool NativeTorchLoaded()
    {
        if (File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                if (line.Contains("libtorch_cpu", StringComparison.Ordinal) || line.Contains("libgomp", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
        using var process = Process.GetCurrentProcess();
        return process.Modules.Cast<ProcessModule>().Any(m => m.ModuleName.StartsWith("torch_cpu", StringComparison.OrdinalIgnoreCase)
            || m.ModuleName.StartsWith("libiomp", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Sets a variable where native libraries read it: the C runtime's environment on Unix, the process's on Windows.</summary>
    private static bool SetNative(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        return NativeMethods.setenv(name, value, 1) == 0;
    }

    private sealed class Restore(int previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                torch.set_num_threads(previous);
            }
        }
    }

    private sealed class NoChange : IDisposable
    {
        public static readonly NoChange Instance = new();

        public void Dispose()
        {
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable CA2101 // Strings are ANSI (UTF-8 on Unix), which is what setenv expects.
        public static extern int setenv(string name, string value, int overwrite);
#pragma warning restore CA2101
    }
}
