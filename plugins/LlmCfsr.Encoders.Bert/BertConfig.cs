using System.Text.Json;
using System.Text.Json.Serialization;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// The architecture of a BERT-family encoder (BERT, MiniLM, sentence-transformers models), read from a Hugging
/// Face <c>config.json</c> with <c>model_type</c> bert. Property names follow the Hugging Face keys.
/// </summary>
public sealed class BertConfig
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>The configuration of sentence-transformers/all-MiniLM-L6-v2 (its published config.json).</summary>
    public static BertConfig AllMiniLmL6V2 => new()
    {
        VocabSize = 30522,
        HiddenSize = 384,
        NumHiddenLayers = 6,
        NumAttentionHeads = 12,
        IntermediateSize = 1536,
        MaxPositionEmbeddings = 512,
        TypeVocabSize = 2,
        LayerNormEps = 1e-12,
        HiddenDropoutProb = 0.1,
        AttentionProbsDropoutProb = 0.1,
    };

    /// <summary>Hugging Face model type; must be <c>bert</c>.</summary>
    [JsonPropertyName("model_type")]
    public string ModelType { get; set; } = "bert";

    /// <summary>Number of WordPiece ids.</summary>
    [JsonPropertyName("vocab_size")]
    public int VocabSize { get; set; }

    /// <summary>Width of the residual stream.</summary>
    [JsonPropertyName("hidden_size")]
    public int HiddenSize { get; set; }

    /// <summary>Number of transformer blocks.</summary>
    [JsonPropertyName("num_hidden_layers")]
    public int NumHiddenLayers { get; set; }

    /// <summary>Number of attention heads.</summary>
    [JsonPropertyName("num_attention_heads")]
    public int NumAttentionHeads { get; set; }

    /// <summary>Width of the feed-forward block.</summary>
    [JsonPropertyName("intermediate_size")]
    public int IntermediateSize { get; set; }

    /// <summary>Learned absolute positions: the longest input.</summary>
    [JsonPropertyName("max_position_embeddings")]
    public int MaxPositionEmbeddings { get; set; } = 512;

    /// <summary>Number of segment (token type) ids.</summary>
    [JsonPropertyName("type_vocab_size")]
    public int TypeVocabSize { get; set; } = 2;

    /// <summary>Epsilon of every LayerNorm.</summary>
    [JsonPropertyName("layer_norm_eps")]
    public double LayerNormEps { get; set; } = 1e-12;

    /// <summary>Feed-forward activation; Hugging Face's <c>gelu</c> (exact, erf form) is supported.</summary>
    [JsonPropertyName("hidden_act")]
    public string HiddenAct { get; set; } = "gelu";

    /// <summary>Dropout on embeddings and block outputs while training.</summary>
    [JsonPropertyName("hidden_dropout_prob")]
    public double HiddenDropoutProb { get; set; } = 0.1;

    /// <summary>Dropout on attention probabilities while training.</summary>
    [JsonPropertyName("attention_probs_dropout_prob")]
    public double AttentionProbsDropoutProb { get; set; } = 0.1;

    /// <summary>Position embedding type; only <c>absolute</c> is supported.</summary>
    [JsonPropertyName("position_embedding_type")]
    public string? PositionEmbeddingType { get; set; }

    /// <summary>Id of the padding token.</summary>
    [JsonPropertyName("pad_token_id")]
    public int PadTokenId { get; set; }

    /// <summary>Size of one attention head.</summary>
    [JsonIgnore]
    public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Reads and validates <paramref name="path"/> (a <c>config.json</c>).</summary>
    public static BertConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' does not exist; a Hugging Face BERT folder needs config.json.", path);
        }
        BertConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<BertConfig>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: line {e.LineNumber + 1}: field '{e.Path}': {e.Message}", e);
        }
        if (config is null)
        {
            throw new InvalidDataException($"{path}: expected a JSON object.");
        }
        config.Validate(path);
        return config;
    }

    /// <summary>Writes the configuration as Hugging Face <c>config.json</c>.</summary>
    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    /// <summary>Throws naming the field when a value is unusable; <paramref name="source"/> names the file in the message.</summary>
    public void Validate(string source = "config.json")
    {
        if (!string.Equals(ModelType, "bert", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{source}: field 'model_type' is '{ModelType}'; this encoder supports 'bert'.");
        }
        foreach (var (name, value) in new[]
                 {
                     ("vocab_size", VocabSize), ("hidden_size", HiddenSize), ("num_hidden_layers", NumHiddenLayers),
                     ("num_attention_heads", NumAttentionHeads), ("intermediate_size", IntermediateSize),
                     ("max_position_embeddings", MaxPositionEmbeddings), ("type_vocab_size", TypeVocabSize),
                 })
        {
            if (value <= 0)
            {
                throw new InvalidDataException($"{source}: field '{name}' must be positive (got {value}).");
            }
        }
        if (HiddenSize % NumAttentionHeads != 0)
        {
            throw new InvalidDataException($"{source}: field 'hidden_size' ({HiddenSize}) is not a multiple of 'num_attention_heads' ({NumAttentionHeads}).");
        }
        if (!string.Equals(HiddenAct, "gelu", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"{source}: field 'hidden_act' is '{HiddenAct}'; only 'gelu' is supported.");
        }
        if (PositionEmbeddingType is not null && PositionEmbeddingType != "absolute")
        {
            throw new InvalidDataException($"{source}: field 'position_embedding_type' is '{PositionEmbeddingType}'; only 'absolute' is supported.");
        }
        if (LayerNormEps <= 0 || HiddenDropoutProb is < 0 or >= 1 || AttentionProbsDropoutProb is < 0 or >= 1)
        {
            throw new InvalidDataException($"{source}: 'layer_norm_eps' must be positive and the dropout probabilities in [0, 1).");
        }
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
        {
            throw new InvalidDataException($"{source}: field 'pad_token_id' ({PadTokenId}) is outside the vocabulary (size {VocabSize}).");
        }
    }
}
