using LlmCfsr.Cli;
using LlmCfsr.Runtime;

// The installed tool holds TorchSharp's native library as shipped: fix it on this host before the first tensor.
try
{
    NativeLibraryFix.Apply(AppContext.BaseDirectory);
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"llmcfsr: could not apply the TorchSharp native-library fix in {AppContext.BaseDirectory}: {e.Message} (run llmcfsr once as the user who installed it).");
}

return CliApplication.Run(args);
