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
        => Load(lm, folder, name => IsIgnorable(name, lm.Config) ? null : name);

    /// <summary>
    /// Copies every tensor of the checkpoint in <paramref name="folder"/> into the parameter named
    /// <paramref name="parameterName"/>(tensor name) (null: skip the tensor), strictly: unexpected, mis-shaped and
    /// missing tensors are all listed in one error.
    /// </summary>
    public static void Load(nn.Module module, string folder, Func<string, string?> parameterName)
    {
        var files = WeightFiles(folder);
        var tensors = files.SelectMany(file => Safetensors.LoadStateDict(file).Select(t => (t.Key, t.Value, Path.GetFileName(file))));
        CopyStrict(module, tensors, parameterName, $"Checkpoint '{folder}' does not match its config.json");
    }

    /// <summary>
    /// Copies named tensors (name, tensor, file they come from) into the parameters of <paramref name="module"/>,
    /// converting dtype and device; throws one error starting with <paramref name="failure"/> that lists every
    /// unexpected, mis-shaped and missing tensor.
    /// </summary>
    public static void CopyStrict(nn.Module module, IEnumerable<(string Name, Tensor Tensor, string Source)> tensors, Func<string, string?> parameterName, string failure)
    {
        var expected = module.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var loaded = new HashSet<string>();
        var problems = new List<string>();
        using var noGrad = torch.no_grad();
        foreach (var (key, tensor, source) in tensors)
        {
            // Tensors are released one by one, so a shard never stays in memory beside the model.
            using var owned = tensor;
            if (parameterName(key) is not { } name)
            {
                continue;
            }
            if (!expected.TryGetValue(name, out var parameter))
            {
                problems.Add($"unexpected tensor '{key}' {Shape(tensor.shape)} in {source} (the model has no such parameter)");
            }
            else if (!tensor.shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"tensor '{key}' in {source} has shape {Shape(tensor.shape)}, the model expects {Shape(parameter.shape)}");
            }
            else
            {
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
            throw new InvalidDataException($"{failure}: {string.Join("; ", problems.Take(20))}{(problems.Count > 20 ? $"; ... ({problems.Count} problems)" : "")}.");
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
