using System.CommandLine;
using LlmCfsr.Runtime;

namespace LlmCfsr.Cli.Commands;

/// <summary><c>llmcfsr doctor</c>: checks that TorchSharp loads and reports the runtime it found.</summary>
public static class DoctorCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var command = new Command("doctor", "Check the TorchSharp runtime: version, backend, devices, threads and the native-library fix.");
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            TorchRuntimeReport report;
            try
            {
                report = TorchRuntimeReport.Collect();
            }
            catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or NotSupportedException)
            {
                var fix = NativeLibraryFixReport.Inspect(AppContext.BaseDirectory);
                parseResult.InvocationConfiguration.Error.WriteLine($"TorchSharp failed to load: {e.GetBaseException().Message}");
                WriteFix(parseResult.InvocationConfiguration.Error, fix);
                return 1;
            }

            output.WriteLine($"TorchSharp:   {report.TorchSharpVersion}");
            output.WriteLine($"Backend:      {report.Backend}");
            output.WriteLine($"Devices:      {string.Join(", ", report.Devices)}");
            output.WriteLine($"Threads:      {report.Threads.Threads} ({report.Threads.Source})");
            output.WriteLine($"OpenMP wait:  {report.Threads.WaitPolicy}");
            output.WriteLine($"Allocator:    {report.Allocator}");
            WriteFix(output, report.NativeFix);
            return 0;
        });
        return command;
    }

    private static void WriteFix(TextWriter output, NativeLibraryFixReport fix)
    {
        output.WriteLine($"libstdc++:    {fix.HostLibStdCxx ?? "not found"}");
        string needed = fix.Needed ? $"needed (host lacks {NativeLibraryFixReport.Version})" : "not needed";
        string applied = fix.Library is null ? "libLibTorchSharp.so not found next to the application"
            : fix.Applied ? $"applied to {fix.Library}" : $"NOT applied to {fix.Library}";
        output.WriteLine($"Native fix:   {needed}; {(fix.Needed ? applied : "library left as shipped")}");
    }
}
