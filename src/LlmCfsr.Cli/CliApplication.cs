using System.CommandLine;
using System.CommandLine.Help;
using LlmCfsr.Cli.Commands;

namespace LlmCfsr.Cli;

/// <summary>Builds the <c>llmcfsr</c> command tree. Each command lives in its own file under Commands/.</summary>
public static class CliApplication
{
    /// <summary>The tool's command name, as installed (<c>dotnet tool install -g LlmCfsr.Cli</c>).</summary>
    public const string CommandName = "llmcfsr";

    /// <summary>
    /// The root command with every subcommand attached. It is named <see cref="CommandName"/> (a
    /// <see cref="RootCommand"/> would take the assembly's name, so help would say "LlmCfsr.Cli").
    /// </summary>
    public static Command BuildRootCommand()
    {
        var root = new Command(CommandName, "llmcfsr: LLM-enhanced sequential recommendation (LLM-CFSR, LLM-ESR, LLMEmb) on TorchSharp.")
        {
            Options = { new HelpOption(), new VersionOption() },
        };
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(EncoderCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(EmbedCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(CompareCommand.Create());
        ThreadsOption.Attach(root);
        return root;
    }
}
