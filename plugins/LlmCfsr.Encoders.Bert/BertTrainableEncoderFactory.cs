using LlmCfsr.Encoders.Decoder;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>Opens Hugging Face BERT folders (model_type bert) or the packaged all-MiniLM-L6-v2 (<c>minilm</c>) for contrastive fine-tuning.</summary>
internal sealed class BertTrainableEncoderFactory : ITrainableTextEncoderFactory
{
    /// <inheritdoc />
    public string Family => "bert";

    /// <inheritdoc />
    public ITrainableTextEncoder Open(string modelPath, ScalarType dtype, Device device) => BertTrainableEncoder.Open(modelPath, dtype, device);
}
