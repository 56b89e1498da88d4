using System.CommandLine;
using LlmCfsr.Cli.Commands;

namespace LlmCfsr.Cli;

/// <summary>Builds the <c>llmcfsr</c> command tree. Each command lives in its own file under Commands/.</summary>
public static class CliApplication
{
    /// <summary>The root command with every subcommand attached.</summary>
    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand("llmcfsr: LLM-enhanced sequential recommendation (LLM-CFSR, LLM-ESR, LLMEmb) on TorchSharp.");
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
