using TorchSharp;

namespace LlmCfsr.Encoders;

/// <summary>
/// Turns item texts into semantic embeddings. Implementations wrap a language model (a decoder LLM with
/// mean pooling, a sentence-embedding model, ...). Weights load lazily on first use, never when the
/// encoder is registered. Thread safety is not required: callers serialise calls to one instance.
/// </summary>
public interface ISemanticEncoder : IDisposable
{
    /// <summary>Identifies the weights (e.g. a model folder name or hub id), used in cache fingerprints.</summary>
    string ModelId { get; }

    /// <summary>Size of one embedding.</summary>
    int Dimension { get; }

    /// <summary>Longest input in tokens; longer texts are truncated.</summary>
    int MaxTokens { get; }

    /// <summary>Device the model runs on.</summary>
    torch.Device Device { get; }

    /// <summary>Dtype of the model weights (embeddings are always returned as float32).</summary>
    torch.ScalarType DType { get; }

    /// <summary>How token states become one vector.</summary>
    EmbeddingPooling Pooling { get; }

    /// <summary>
    /// A stable string that changes whenever the embeddings would change: model, adapter, pooling,
    /// normalisation. Caches store it and refuse to mix embeddings from different encoders.
    /// </summary>
    string Fingerprint { get; }

    /// <summary>
    /// Identifies the adapter applied to the base weights (e.g. a LoRA adapter's folder and content hash), or null
    /// when there is none. Embedding caches record it (as "none" when null).
    /// </summary>
    string? Adapter => null;

    /// <summary>
    /// Whether the weights were fine-tuned on the items (an adapter, or fully fine-tuned weights). Embedding caches
    /// record it as their kind ("fine-tuned" or "raw") so models that need raw LLM embeddings refuse fine-tuned ones.
    /// </summary>
    bool IsFineTuned => Adapter is not null;

    /// <summary>
    /// The objective the adapter was fine-tuned with, as <c>llmcfsr finetune</c> records it next to the adapter: "cft"
    /// (LLM-CFSR's contrastive fine-tuning) or "scft" (LLMEmb's); null when unknown (no adapter, or an adapter made
    /// elsewhere). Embedding caches record it, so a model refuses embeddings fine-tuned for another method.
    /// </summary>
    string? FineTuningObjective => null;

    /// <summary>
    /// Encodes <paramref name="texts"/> in batches. Returns a float32 tensor [texts.Count, Dimension] on the
    /// CPU, owned by the caller. Runs without gradients.
    /// </summary>
    torch.Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default);
}
