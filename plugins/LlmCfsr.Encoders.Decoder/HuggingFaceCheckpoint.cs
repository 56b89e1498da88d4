using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Copies the tensors of a Hugging Face safetensors checkpoint (single file or shards) into a model, strictly.</summary>
internal static class HuggingFaceCheckpoint
{
    internal const string SingleFile = "model.safetensors";
    internal const string IndexFile = "model.safetensors.index.json";

    public static void Load(DecoderLanguageModel lm, string folder)
    {
        var files = WeightFiles(folder);
        var expected = lm.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var loaded = new HashSet<string>();
        var problems = new List<string>();
        using var noGrad = torch.no_grad();
        foreach (var file in files)
        {
            using var scope = torch.NewDisposeScope();
            foreach (var (name, tensor) in Safetensors.LoadStateDict(file))
            {
                if (IsIgnorable(name, lm.Config))
                {
                    continue;
                }
                if (!expected.TryGetValue(name, out var parameter))
                {
                    problems.Add($"unexpected tensor '{name}' {Shape(tensor.shape)} in {Path.GetFileName(file)} (the model has no such parameter)");
                    continue;
                }
                if (!tensor.shape.SequenceEqual(parameter.shape))
                {
                    problems.Add($"tensor '{name}' in {Path.GetFileName(file)} has shape {Shape(tensor.shape)}, the model expects {Shape(parameter.shape)}");
                    continue;
                }
                parameter.copy_(tensor);
                loaded.Add(name);
            }
        }
        foreach (var name in expected.Keys.Where(n => !loaded.Contains(n)))
        {
            problems.Add($"missing tensor '{name}' (model shape {Shape(expected[name].shape)})");
        }
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"Checkpoint '{folder}' does not match its config.json: {string.Join("; ", problems.Take(20))}{(problems.Count > 20 ? $"; ... ({problems.Count} problems)" : "")}.");
        }
    }

    /// <summary>The safetensors files of a checkpoint folder: the single file, or the shards named by the index.</summary>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(index));
            if (!document.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{index}: field 'weight_map' is missing or not an object.");
            }
            var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? throw new InvalidDataException($"{index}: field 'weight_map.{p.Name}' is not a file name."))
                .Distinct(StringComparer.Ordinal).Select(f => Path.Combine(folder, f)).ToList();
            foreach (var shard in shards.Where(s => !File.Exists(s)))
            {
                throw new FileNotFoundException($"{index} lists shard '{Path.GetFileName(shard)}', which does not exist.", shard);
            }
            return shards;
        }
        var single = Path.Combine(folder, SingleFile);
        if (File.Exists(single))
        {
            return new[] { single };
        }
        throw new FileNotFoundException($"Checkpoint folder '{folder}' has neither {SingleFile} nor {IndexFile}.");
    }

    // Older LLaMA checkpoints store the rotary inverse frequencies, which are recomputed from rope_theta;
    // tied models may also store lm_head.weight, which is the embedding matrix.
    private static bool IsIgnorable(string name, DecoderConfig config)
        => name.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal) || (config.TieWordEmbeddings && name == "lm_head.weight");

    internal static string Shape(long[] shape) => "[" + string.Join(", ", shape) + "]";
}
