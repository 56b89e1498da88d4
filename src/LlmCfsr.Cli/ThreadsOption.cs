using System.CommandLine;
using System.CommandLine.Invocation;
using LlmCfsr.Runtime;

namespace LlmCfsr.Cli;

/// <summary>
/// <c>--threads N</c> on every command: before a command runs, <see cref="TorchThreadPolicy.PrepareProcess"/> fixes
/// libtorch's thread count (the option, else LLMCFSR_THREADS, else OMP_NUM_THREADS, else libtorch's own: its cores) and its passive OpenMP
/// wait policy, before libtorch loads, and <see cref="NativeAllocatorPolicy.Prepare"/> glibc's malloc thresholds.
/// Commands and the trainers they start read the count from the process.
/// </summary>
internal static class ThreadsOption
{
    /// <summary>Adds the option to <paramref name="root"/> and its subcommands and applies it before every command's action.</summary>
    public static void Attach(Command root)
    {
        var threads = new Option<int>("--threads")
        {
            Description = $"CPU threads for TorchSharp (0 = automatic: {TorchThreadPolicy.EnvironmentVariable}, else OMP_NUM_THREADS, else libtorch's own: its cores); OpenMP waits passively.",
            Recursive = true,
        };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError($"--threads must be 0 (automatic) or positive (got {result.GetValueOrDefault<int>()}).");
            }
        });
        root.Options.Add(threads);
        Wrap(root, threads);
    }

    private static void Wrap(Command command, Option<int> threads)
    {
        command.Action = command.Action switch
        {
            SynchronousCommandLineAction action => new Synchronous(action, threads),
            AsynchronousCommandLineAction action => new Asynchronous(action, threads),
            var other => other,
        };
        foreach (var subcommand in command.Subcommands)
        {
            Wrap(subcommand, threads);
        }
    }

    /// <summary>Applies the policies; false (with a one-line error) when LLMCFSR_THREADS or OMP_NUM_THREADS is not a count or LLMCFSR_MALLOC not a choice.</summary>
    private static bool TryApply(ParseResult parseResult, Option<int> threads)
    {
        try
        {
            TorchThreadPolicy.PrepareProcess(parseResult.GetValue(threads));
            NativeAllocatorPolicy.Prepare();
            return true;
        }
        catch (ArgumentException e)
        {
            parseResult.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return false;
        }
    }

    private sealed class Synchronous(SynchronousCommandLineAction inner, Option<int> threads) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult) => TryApply(parseResult, threads) ? inner.Invoke(parseResult) : 1;
    }

    private sealed class Asynchronous(AsynchronousCommandLineAction inner, Option<int> threads) : AsynchronousCommandLineAction
    {
        public override Task<int> InvokeAsync(ParseResult parseResult, CancellationToken cancellationToken = default) =>
            TryApply(parseResult, threads) ? inner.InvokeAsync(parseResult, cancellationToken) : Task.FromResult(1);
    }
}
