using System.Diagnostics;

namespace LlmCfsr.Tests.Foundation;

/// <summary>
/// The CLI in a fresh process, for what only a new process shows: settings made before libtorch or the allocator is
/// first used. Environment entries with a null value are removed from the child's environment.
/// </summary>
internal static class FreshCliProcess
{
    public static async Task<(int Exit, string Output, string Error)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LlmCfsr.Cli.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }
        using var process = Process.Start(start)!;
        var errorRead = process.StandardError.ReadToEndAsync();
        string output = await process.StandardOutput.ReadToEndAsync();
        string error = await errorRead;
        await process.WaitForExitAsync();
        return (process.ExitCode, output, error);
    }
}
