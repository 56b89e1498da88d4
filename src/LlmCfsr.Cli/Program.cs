using LlmCfsr.Cli;

return CliApplication.Run(args);
