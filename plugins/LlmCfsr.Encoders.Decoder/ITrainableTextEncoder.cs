using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// What contrastive fine-tuning needs of a text encoder (BERT, LLaMA-2, Qwen2.5): tokenise, pool a differentiable
/// embedding per text, carry LoRA adapters and save them in PEFT's layout. <see cref="ContrastiveFineTuner"/> trains
/// any implementation the same way.
/// </summary>
public interface ITrainableTextEncoder : ILoraAdaptable, IDisposable
{
    /// <summary>Hugging Face <c>model_type</c> of the weights: bert, llama or qwen2.</summary>
    string Family { get; }

    /// <summary>Recorded as <c>base_model_name_or_path</c> in saved adapters (a folder, or a package model id).</summary>
    string BaseModelName { get; }

    /// <summary>Size of one embedding.</summary>
    int Dimension { get; }

    /// <summary>Device of the weights.</summary>
    Device Device { get; }

    /// <summary>
    /// Whether the encoder's published embedding pipeline ends with L2 normalisation (sentence-transformers models
    /// such as all-MiniLM-L6-v2 do; decoder LLM mean pooling does not). Inner products are taken on the embeddings
    /// as that pipeline emits them.
    /// </summary>
    bool NormalizesEmbeddings { get; }

    /// <summary>Token ids of <paramref name="text"/> with the model's special tokens, at most <paramref name="maxTokens"/> (at least one).</summary>
    int[] Tokenize(string text, int maxTokens);

    /// <summary>Pools one float32 vector per token sequence, [n, Dimension], keeping the autograd graph (not normalised).</summary>
    Tensor Embed(IReadOnlyList<int[]> tokens);

    /// <summary>Switches dropout (base and LoRA) on for training or off for evaluation.</summary>
    void SetTraining(bool training);

    /// <summary>Saves the LoRA weights as a PEFT adapter folder.</summary>
    void SaveLoraAdapter(string folder);
}
