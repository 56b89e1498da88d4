using LlmCfsr.Cli;

return CliApplication.BuildRootCommand().Parse(args).Invoke();
