using System.Text.Json;
using System.Text.Json.Nodes;
using LlmCfsr.Storage;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Reads and writes LoRA adapters in PEFT's layout: <c>adapter_config.json</c> (peft_type LORA, r, lora_alpha,
/// lora_dropout, target_modules, ...) and <c>adapter_model.safetensors</c> whose keys are the model's parameter
/// names prefixed with <c>base_model.model.</c> (e.g. <c>base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight</c>),
/// so <c>PeftModel.from_pretrained</c> loads them.
/// </summary>
internal static class PeftAdapter
{
    internal const string ConfigFile = "adapter_config.json";
    internal const string WeightsFile = "adapter_model.safetensors";
    internal const string KeyPrefix = "base_model.model.";

    /// <summary>
    /// The record <c>llmcfsr finetune</c> writes next to the PEFT files (PEFT ignores it): the fine-tuning objective
    /// ("cft" or "scft"), which embedding caches made with the adapter carry as their metadata field 'objective'.
    /// </summary>
    internal const string FineTuningFile = "llmcfsr_finetune.json";

    /// <summary>The files of an adapter folder.</summary>
    internal static IReadOnlyList<string> Files { get; } = [ConfigFile, WeightsFile];

    /// <summary>The files of an adapter folder <c>llmcfsr finetune</c> writes.</summary>
    internal static IReadOnlyList<string> FilesWithObjective { get; } = [ConfigFile, WeightsFile, FineTuningFile];

    /// <summary>Writes <see cref="FineTuningFile"/> into <paramref name="folder"/>: the <paramref name="objective"/> the adapter was trained with.</summary>
    public static void SaveObjective(string folder, string objective)
        => AtomicFileWriter.Default.WriteAllText(Path.Combine(folder, FineTuningFile),
            new JsonObject { ["objective"] = objective }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>
    /// The objective recorded in <paramref name="folder"/>'s <see cref="FineTuningFile"/>, or null when there is no adapter or
    /// no record (an adapter made elsewhere or before the record existed); a damaged record is refused naming the file.
    /// </summary>
    public static string? Objective(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || Path.Combine(folder, FineTuningFile) is var path && !File.Exists(path))
        {
            return null;
        }
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?["objective"]?.GetValue<string>() is { } objective && !string.IsNullOrWhiteSpace(objective)
                ? objective
                : throw new InvalidDataException($"{path}: field 'objective' is missing.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: field 'objective' must be a string ({e.Message}).", e);
        }
    }

    /// <summary>
    /// What an embedding cache records as <c>ISemanticEncoder.Adapter</c>: the adapter folder and the SHA-256 of its
    /// weights, or null when <paramref name="folder"/> is blank (no adapter).
    /// </summary>
    public static string? Identity(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder))
        {
            return null;
        }
        using var stream = File.OpenRead(Path.Combine(folder, WeightsFile));
        return $"{Path.GetFullPath(folder)}#{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream))}";
    }

    public static void Save(ILoraAdaptable lm, string folder, string baseModelNameOrPath)
    {
        var settings = lm.Lora ?? throw new InvalidOperationException("The model carries no LoRA adapter to save.");
        Directory.CreateDirectory(folder);
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "FEATURE_EXTRACTION",
            ["base_model_name_or_path"] = baseModelNameOrPath,
            ["r"] = settings.Rank,
            ["lora_alpha"] = settings.Alpha,
            ["lora_dropout"] = settings.Dropout,
            ["target_modules"] = new JsonArray(settings.ResolvedTargetModules(lm.LoraTargetModules).Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["bias"] = "none",
            ["fan_in_fan_out"] = false,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["modules_to_save"] = null,
            ["use_rslora"] = false,
            ["use_dora"] = false,
        };
        AtomicFileWriter.Default.WriteAllText(Path.Combine(folder, ConfigFile), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        SafetensorsWriter.Write(Path.Combine(folder, WeightsFile),
            lm.LoraParameters().Select(p => new KeyValuePair<string, Tensor>(KeyPrefix + p.Name, p.Parameter)));
    }

    public static void Load(ILoraAdaptable lm, string folder)
    {
        var configPath = Path.Combine(folder, ConfigFile);
        var weightsPath = Path.Combine(folder, WeightsFile);
        foreach (var path in new[] { configPath, weightsPath }.Where(p => !File.Exists(p)))
        {
            throw new FileNotFoundException($"LoRA adapter folder '{folder}' has no {Path.GetFileName(path)}.", path);
        }
        lm.AddLora(ReadSettings(configPath, lm.LoraTargetModules));
        LoadWeightsInto(lm, folder);
    }

    /// <summary>Copies the adapter weights saved in <paramref name="folder"/> into <paramref name="lm"/>'s LoRA parameters, which must match them exactly.</summary>
    public static void LoadWeightsInto(ILoraAdaptable lm, string folder)
    {
        var weightsPath = Path.Combine(folder, WeightsFile);
        var expected = lm.LoraParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var loaded = new HashSet<string>();
        var problems = new List<string>();
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach (var (key, tensor) in Safetensors.LoadStateDict(weightsPath))
        {
            var name = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
            if (!expected.TryGetValue(name, out var parameter))
            {
                problems.Add($"unexpected tensor '{key}' {HuggingFaceCheckpoint.Shape(tensor.shape)}");
            }
            else if (!tensor.shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"tensor '{key}' has shape {HuggingFaceCheckpoint.Shape(tensor.shape)}, the model expects {HuggingFaceCheckpoint.Shape(parameter.shape)}");
            }
            else
            {
                parameter.copy_(tensor);
                loaded.Add(name);
            }
        }
        problems.AddRange(expected.Keys.Where(n => !loaded.Contains(n)).Select(n => $"missing tensor '{KeyPrefix}{n}'"));
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{weightsPath} does not match {ConfigFile} and the model: {string.Join("; ", problems.Take(20))}.");
        }
    }

    private static LoraSettings ReadSettings(string path, IReadOnlyList<string> allLinear)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (root is not JsonObject config)
        {
            throw new InvalidDataException($"{path}: expected a JSON object.");
        }
        if (config["peft_type"]?.GetValue<string>() is { } type && type != "LORA")
        {
            throw new InvalidDataException($"{path}: field 'peft_type' is '{type}'; only LORA adapters are supported.");
        }
        var targets = config["target_modules"] switch
        {
            JsonArray array => array.Select(t => t?.GetValue<string>() ?? throw new InvalidDataException($"{path}: field 'target_modules' holds a null.")).ToList(),
            JsonValue value when value.GetValue<string>() is "all-linear" => allLinear.ToList(),
            _ => throw new InvalidDataException($"{path}: field 'target_modules' must be a list of module names (or \"all-linear\")."),
        };
        var rank = config["r"]?.GetValue<int>() ?? throw new InvalidDataException($"{path}: field 'r' is missing.");
        return new LoraSettings
        {
            Rank = rank,
            Alpha = config["lora_alpha"]?.GetValue<double>() ?? rank,
            Dropout = config["lora_dropout"]?.GetValue<double>() ?? 0,
            TargetModules = targets,
        };
    }
}
