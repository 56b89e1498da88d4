using System.Diagnostics;
using System.Text;

namespace LlmCfsr.Packaging.Tests;

/// <summary>
/// Runs <c>dotnet</c> (or bash) in a folder with its own package folder and the given extra environment variables,
/// and returns what it printed.
/// </summary>
internal sealed class DotnetCommand(string packagesFolder, IReadOnlyDictionary<string, string>? environment = null)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
        ? host
        : "dotnet";

    public CommandResult Run(string workingDirectory, string fileName, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The test host's MSBuild settings belong to the build that started it, not to the consumer's build.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        start.Environment["NUGET_PACKAGES"] = packagesFolder;
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["OMP_NUM_THREADS"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        if (Path.IsPathRooted(Dotnet))
        {
            // The README's commands call plain `dotnet`: make it the same one that runs these tests.
            start.Environment["PATH"] = $"{Path.GetDirectoryName(Dotnet)}{Path.PathSeparator}{Environment.GetEnvironmentVariable("PATH")}";
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish in {Timeout}:\n{output}");
        }
        process.WaitForExit();
        lock (output)
        {
            return new CommandResult($"{fileName} {string.Join(' ', arguments)}", process.ExitCode, output.ToString());
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (output)
        {
            output.AppendLine(line);
        }
    }
}

/// <summary>A finished command: its exit code and everything it printed.</summary>
internal sealed record CommandResult(string Command, int ExitCode, string Output)
{
    public CommandResult Succeeded()
    {
        Assert.True(ExitCode == 0, $"'{Command}' exited with {ExitCode}:\n{Output}");
        return this;
    }
}
