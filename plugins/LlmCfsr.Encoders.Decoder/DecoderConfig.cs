using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// The architecture of a decoder-only transformer (LLaMA-2, Qwen2 / Qwen2.5), read from a Hugging Face
/// <c>config.json</c>. Property names follow the Hugging Face keys so the file round-trips.
/// </summary>
public sealed class DecoderConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Hugging Face model type: <c>llama</c> or <c>qwen2</c>.</summary>
    [JsonPropertyName("model_type")]
    public string ModelType { get; set; } = "llama";

    /// <summary>Number of token ids.</summary>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; set; }

    /// <summary>Width of the residual stream.</summary>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; set; }

    /// <summary>Width of the SwiGLU MLP.</summary>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; set; }

    /// <summary>Number of transformer blocks.</summary>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; set; }

    /// <summary>Number of query heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; set; }

    /// <summary>Number of key/value heads (grouped-query attention); null means equal to <see cref="NumAttentionHeads"/>.</summary>
    [JsonPropertyName("num_key_value_heads")]
    public int? NumKeyValueHeads { get; set; }

    /// <summary>Size of one attention head; null means <see cref="HiddenSize"/> / <see cref="NumAttentionHeads"/>.</summary>
    [JsonPropertyName("head_dim")]
    public int? HeadDim { get; set; }

    /// <summary>Epsilon of RMSNorm.</summary>
    [JsonPropertyName("rms_norm_eps")]
    public double RmsNormEps { get; set; } = 1e-6;

    /// <summary>Base of the rotary position embedding frequencies.</summary>
    [JsonPropertyName("rope_theta")]
    public double RopeTheta { get; set; } = 10000.0;

    /// <summary>Longest sequence the model was trained for.</summary>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxPositionEmbeddings { get; set; } = 2048;

    /// <summary>Whether the output projection shares the token embedding matrix.</summary>
    [JsonPropertyName("tie_word_embeddings")]
    public bool TieWordEmbeddings { get; set; }

    /// <summary>
    /// Whether q/k/v projections carry a bias. Hugging Face LLaMA names it <c>attention_bias</c>; Qwen2 always
    /// has the bias and does not write the key, so <see cref="HasQkvBias"/> resolves the default per model type.
    /// </summary>
    [JsonPropertyName("attention_bias")]
    public bool? AttentionBias { get; set; }

    /// <summary>Id of the beginning-of-sequence token, when the model has one.</summary>
    [JsonPropertyName("bos_token_id")]
    public int? BosTokenId { get; set; }

    /// <summary>Id of the end-of-sequence token, when the model has one.</summary>
    [JsonPropertyName("eos_token_id")]
    public int? EosTokenId { get; set; }

    /// <summary>Hidden activation; only SwiGLU's <c>silu</c> is supported.</summary>
    [JsonPropertyName("hidden_act")]
    public string HiddenAct { get; set; } = "silu";

    /// <summary>Weight dtype the checkpoint was saved in (informational).</summary>
    [JsonPropertyName("torch_dtype")]
    public string? TorchDtype { get; set; }

    /// <summary>Hugging Face architecture class names (informational).</summary>
    [JsonPropertyName("architectures")]
    public string[]? Architectures { get; set; }

    /// <summary>Key/value heads after applying the default.</summary>
    [JsonIgnore]
    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    /// <summary>Head size after applying the default.</summary>
    [JsonIgnore]
    public int HeadSize => HeadDim ?? HiddenSize / NumAttentionHeads;

    /// <summary>Whether q/k/v projections have a bias: the explicit key, else true for Qwen2 and false for LLaMA.</summary>
    [JsonIgnore]
    public bool HasQkvBias => AttentionBias ?? IsQwen2;

    private bool IsQwen2 => string.Equals(ModelType, "qwen2", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads and validates <paramref name="path"/> (a <c>config.json</c>).</summary>
    public static DecoderConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model configuration '{path}' does not exist.", path);
        }
        DecoderConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<DecoderConfig>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: {e.Message}", e);
        }
        if (config is null)
        {
            throw new InvalidDataException($"{path}: the file is empty.");
        }
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the configuration as Hugging Face <c>config.json</c>.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    /// <summary>Checks the values are consistent; <paramref name="source"/> names the file in messages.</summary>
    public void Validate(string source = "config.json")
    {
        if (!string.Equals(ModelType, "llama", StringComparison.OrdinalIgnoreCase) && !IsQwen2)
        {
            throw new InvalidDataException($"{source}: field 'model_type' is '{ModelType}'; supported: 'llama', 'qwen2'.");
        }
        Positive(VocabSize, "vocab_size", source);
        Positive(HiddenSize, "hidden_size", source);
        Positive(IntermediateSize, "intermediate_size", source);
        Positive(NumHiddenLayers, "num_hidden_layers", source);
        Positive(NumAttentionHeads, "num_attention_heads", source);
        Positive(KeyValueHeads, "num_key_value_heads", source);
        Positive(HeadSize, "head_dim", source);
        if (NumAttentionHeads % KeyValueHeads != 0)
        {
            throw new InvalidDataException($"{source}: field 'num_attention_heads' ({NumAttentionHeads}) must be a multiple of 'num_key_value_heads' ({KeyValueHeads}).");
        }
        if (HeadSize % 2 != 0)
        {
            throw new InvalidDataException($"{source}: the head size ({HeadSize}) must be even for rotary embeddings.");
        }
        if (HeadDim is null && HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"{source}: field 'hidden_size' ({HiddenSize}) must be a multiple of 'num_attention_heads' ({NumAttentionHeads}).");
        }
        if (RmsNormEps <= 0 || RopeTheta <= 0)
        {
            throw new InvalidDataException($"{source}: fields 'rms_norm_eps' and 'rope_theta' must be positive.");
        }
        if (!string.Equals(HiddenAct, "silu", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{source}: field 'hidden_act' is '{HiddenAct}'; only 'silu' (SwiGLU) is supported.");
        }
    }

    private static void Positive(int value, string field, string source)
    {
        if (value <= 0)
        {
            throw new InvalidDataException($"{source}: field '{field}' must be a positive integer (got {value}).");
        }
    }
}
