using System.CommandLine;
using System.CommandLine.Help;
using LlmCfsr.Cli.Commands;

namespace LlmCfsr.Cli;

/// <summary>Builds the <c>llmcfsr</c> command tree and runs it. Each command lives in its own file under Commands/.</summary>
public static class CliApplication
{
    /// <summary>The tool's command name, as installed (<c>dotnet tool install -g LlmCfsr.Cli</c>).</summary>
    public const string CommandName = "llmcfsr";

    /// <summary>
    /// <c>--verbose</c>, on every command: an error that reaches the top also prints its exception type and stack
    /// trace (for bug reports); without it every error is one line.
    /// </summary>
    public static Option<bool> VerboseOption { get; } = new("--verbose") { Description = "On an error, also print the exception's type and stack trace.", Recursive = true };

    /// <summary>
    /// The root command with every subcommand attached. It is named <see cref="CommandName"/> (a
    /// <see cref="RootCommand"/> would take the assembly's name, so help would say "LlmCfsr.Cli").
    /// </summary>
    public static Command BuildRootCommand()
    {
        var root = new Command(CommandName, "llmcfsr: LLM-enhanced sequential recommendation (LLM-CFSR, LLM-ESR, LLMEmb) on TorchSharp.")
        {
            Options = { new HelpOption(), new VersionOption(), VerboseOption },
        };
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(EncoderCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        root.Subcommands.Add(ExportCommand.Create());
        root.Subcommands.Add(RecommendCommand.Create());
        ThreadsOption.Attach(root);
        return root;
    }

    /// <summary>
    /// Parses and runs <paramref name="args"/>. Usage errors print one line each and return 2; an exception that
    /// escapes a command prints one line (<see cref="CliErrors.Describe"/>) and returns 1, with the stack trace only
    /// under <c>--verbose</c>.
    /// </summary>
    public static int Run(string[] args, InvocationConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        configuration ??= new InvocationConfiguration();
        configuration.EnableDefaultExceptionHandler = false;
        var parseResult = BuildRootCommand().Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var parseError in parseResult.Errors)
            {
                configuration.Error.WriteLine($"error: {parseError.Message}");
            }
            configuration.Error.WriteLine($"Run '{parseResult.CommandResult.Command.Name} --help' for usage.");
            return 2;
        }
        try
        {
            return parseResult.Invoke(configuration);
        }
        catch (Exception e)
        {
            configuration.Error.WriteLine($"error: {CliErrors.Describe(e)}");
            if (parseResult.GetValue(VerboseOption))
            {
                configuration.Error.WriteLine(e.ToString());
            }
            else if (!CliErrors.IsExpected(e))
            {
                configuration.Error.WriteLine("This looks like a bug; run again with --verbose and report the details.");
            }
            return 1;
        }
    }
}
