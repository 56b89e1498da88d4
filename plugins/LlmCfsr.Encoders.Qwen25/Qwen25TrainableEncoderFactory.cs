using LlmCfsr.Encoders.Decoder;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Qwen25;

/// <summary>Opens Hugging Face Qwen2 / Qwen2.5 folders (model_type qwen2, byte-level BPE tokenizer.json) for contrastive fine-tuning.</summary>
internal sealed class Qwen25TrainableEncoderFactory : ITrainableTextEncoderFactory
{
    /// <inheritdoc />
    public string Family => "qwen2";

    /// <inheritdoc />
    public ITrainableTextEncoder Open(string modelPath, ScalarType dtype, Device device)
    {
        var config = DecoderConfig.Load(Path.Combine(modelPath, "config.json"));
        var tokenizer = ByteLevelBpeDecoderTokenizer.Load(Path.Combine(modelPath, "tokenizer.json"), config.EosTokenId);
        try
        {
            return new DecoderTrainableEncoder(DecoderLanguageModel.FromPretrained(modelPath, dtype, device), tokenizer, modelPath);
        }
        catch
        {
            tokenizer.Dispose();
            throw;
        }
    }
}
