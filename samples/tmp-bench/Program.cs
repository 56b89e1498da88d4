using System.Diagnostics;
using LlmCfsr.Data;
using LlmCfsr.Encoders;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Prompts;

var dataset = PreparedDatasetStore.Load(args[0]);
var texts = ItemPromptTemplates.ForDataset(dataset.Name).RenderAll(dataset.ItemAttributes);
using var encoder = new Llama2SemanticEncoder(new Llama2EncoderOptions { ModelPath = args[1], MaxTokens = 128 });
encoder.Encode(texts.Take(64).ToList()).Dispose(); // warm-up and lazy load
long tokens = texts.Sum(t => (long)encoder.TokenizeTruncated(t).Length);
var clock = Stopwatch.StartNew();
using var embeddings = encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = int.Parse(args[2]) });
clock.Stop();
Console.WriteLine($"{texts.Count} items, {tokens} tokens, {clock.Elapsed.TotalSeconds:F2} s: {tokens / clock.Elapsed.TotalSeconds:F0} tokens/s, {texts.Count / clock.Elapsed.TotalSeconds:F0} items/s; shape [{string.Join(", ", embeddings.shape)}]; threads {TorchSharp.torch.get_num_threads()}");
Console.WriteLine(texts[0]);
