using LlmCfsr.Encoders;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Settings shared by the decoder LLM encoders (bound from <c>LlmCfsr:Encoders:Llama2</c> / <c>:Qwen25</c>).</summary>
public class DecoderEncoderOptions
{
    /// <summary>Hugging Face checkpoint folder (config.json, safetensors, tokenizer file).</summary>
    public string ModelPath { get; set; } = "";

    /// <summary>Optional PEFT LoRA adapter folder (e.g. from <c>llmcfsr finetune</c>), merged into the weights on load.</summary>
    public string? AdapterPath { get; set; }

    /// <summary>Torch device: <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c>.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Weight dtype: <c>float32</c>, <c>float16</c> or <c>bfloat16</c>.</summary>
    public string DType { get; set; } = "float32";

    /// <summary>How token states become one vector.</summary>
    public EmbeddingPooling Pooling { get; set; } = EmbeddingPooling.Mean;

    /// <summary>Longest input in tokens; longer texts are truncated.</summary>
    public int MaxTokens { get; set; } = 256;
}
