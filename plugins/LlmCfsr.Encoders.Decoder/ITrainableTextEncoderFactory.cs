using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Opens the weights of one model family (a Hugging Face <c>model_type</c>) as an <see cref="ITrainableTextEncoder"/>.</summary>
public interface ITrainableTextEncoderFactory
{
    /// <summary>The <c>model_type</c> of config.json this factory opens: bert, llama, qwen2.</summary>
    string Family { get; }

    /// <summary>Loads the model and tokenizer at <paramref name="modelPath"/>.</summary>
    ITrainableTextEncoder Open(string modelPath, ScalarType dtype, Device device);
}
