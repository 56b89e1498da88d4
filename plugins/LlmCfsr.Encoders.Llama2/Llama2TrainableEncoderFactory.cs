using LlmCfsr.Encoders.Decoder;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Llama2;

/// <summary>Opens Hugging Face LLaMA folders (model_type llama, SentencePiece tokenizer.model) for contrastive fine-tuning.</summary>
internal sealed class Llama2TrainableEncoderFactory : ITrainableTextEncoderFactory
{
    /// <inheritdoc />
    public string Family => "llama";

    /// <inheritdoc />
    public ITrainableTextEncoder Open(string modelPath, ScalarType dtype, Device device)
    {
        var tokenizer = SentencePieceDecoderTokenizer.Load(Path.Combine(modelPath, "tokenizer.model"));
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
