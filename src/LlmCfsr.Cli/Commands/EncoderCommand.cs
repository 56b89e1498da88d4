using System.CommandLine;
using System.Diagnostics;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using TorchSharp;

namespace LlmCfsr.Cli.Commands;

/// <summary><c>llmcfsr encoder</c>: convert llama2.c checkpoints and check that a checkpoint loads correctly.</summary>
public static class EncoderCommand
{
    /// <summary>Creates the command with its subcommands.</summary>
    public static Command Create()
    {
        var command = new Command("encoder", "Decoder LLM checkpoints: convert llama2.c models, check that weights load by greedy decoding.");
        command.Subcommands.Add(CreateConvert());
        command.Subcommands.Add(CreateCheck());
        return command;
    }

    private static Command CreateConvert()
    {
        var input = new Option<FileInfo>("--input") { Description = "llama2.c checkpoint (.bin, legacy format), e.g. stories260K.bin.", Required = true };
        var tokenizer = new Option<FileInfo>("--tokenizer") { Description = "SentencePiece model (.model), e.g. tok512.model.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write config.json, model.safetensors and tokenizer.model into.", Required = true };
        var command = new Command("convert-llama2c", "Convert a llama2.c checkpoint into a Hugging Face LLaMA folder (q/k rows permuted to Hugging Face's rotary layout).");
        command.Options.Add(input);
        command.Options.Add(tokenizer);
        command.Options.Add(output);
        command.SetAction(parseResult => DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
        {
            var config = Llama2CheckpointConverter.Convert(parseResult.GetValue(input)!.FullName, parseResult.GetValue(tokenizer)!.FullName, parseResult.GetValue(output)!.FullName);
            parseResult.InvocationConfiguration.Output.WriteLine(
                $"Wrote {parseResult.GetValue(output)!.FullName}: llama, {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, heads {config.NumAttentionHeads}/{config.KeyValueHeads}, vocab {config.VocabSize}, tied embeddings {config.TieWordEmbeddings}.");
            return 0;
        }));
        return command;
    }

    private static Command CreateCheck()
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face checkpoint folder (config.json, safetensors, tokenizer.model or tokenizer.json).", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue; empty starts from BOS.", DefaultValueFactory = _ => "" };
        var maxNewTokens = new Option<int>("--max-new-tokens") { Description = "Tokens to generate.", DefaultValueFactory = _ => 64 };
        var device = new Option<string>("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };
        var dtype = new Option<string>("--dtype") { Description = "float32, float16 or bfloat16.", DefaultValueFactory = _ => "float32" };
        var command = new Command("check", "Load a checkpoint and greedy-decode, to verify that the weights loaded correctly.");
        command.Options.Add(model);
        command.Options.Add(prompt);
        command.Options.Add(maxNewTokens);
        command.Options.Add(device);
        command.Options.Add(dtype);
        command.SetAction(parseResult => DataCommand.Guarded(parseResult.InvocationConfiguration.Error, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var folder = parseResult.GetValue(model)!.FullName;
            var config = DecoderConfig.Load(Path.Combine(folder, "config.json"));
            using var tokenizer = EncoderCheckpoint.OpenTokenizer(folder, config);
            var loading = Stopwatch.StartNew();
            using var lm = DecoderLanguageModel.FromPretrained(folder, DecoderRuntime.ParseDType(parseResult.GetValue(dtype)!), new torch.Device(parseResult.GetValue(device)!));
            loading.Stop();
            var text = parseResult.GetValue(prompt) ?? "";
            var promptIds = text.Length == 0
                ? new[] { tokenizer.BosTokenId ?? throw new ArgumentException("This tokenizer has no BOS token; pass --prompt.") }
                : tokenizer.Encode(text).ToArray();
            var generating = Stopwatch.StartNew();
            var generated = lm.GenerateGreedy(promptIds, parseResult.GetValue(maxNewTokens), tokenizer.EosTokenId);
            generating.Stop();
            output.WriteLine($"Model:     {config.ModelType}, {config.NumHiddenLayers} layers, hidden {config.HiddenSize}, heads {config.NumAttentionHeads}/{config.KeyValueHeads}, vocab {config.VocabSize}, loaded in {loading.Elapsed.TotalSeconds:F2} s");
            output.WriteLine($"Prompt:    [{string.Join(", ", promptIds)}]");
            output.WriteLine($"Generated: [{string.Join(", ", generated)}]");
            output.WriteLine($"Speed:     {generated.Length / Math.Max(generating.Elapsed.TotalSeconds, 1e-9):F1} tokens/s (greedy, no KV cache)");
            output.WriteLine(text + tokenizer.Decode(generated));
            return 0;
        }));
        return command;
    }
}
