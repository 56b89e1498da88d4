using LlmCfsr.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>A decoder LLM (LLaMA-2, Qwen2.5) and its tokenizer as an <see cref="ITrainableTextEncoder"/>; owns both.</summary>
public sealed class DecoderTrainableEncoder : ITrainableTextEncoder
{
    private readonly IDecoderTokenizer _tokenizer;
    private readonly EmbeddingPooling _pooling;

    /// <summary>Wraps <paramref name="model"/> and <paramref name="tokenizer"/> (disposed with this object).</summary>
    public DecoderTrainableEncoder(DecoderLanguageModel model, IDecoderTokenizer tokenizer, string baseModelName, EmbeddingPooling pooling = EmbeddingPooling.Mean)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        BaseModelName = baseModelName ?? throw new ArgumentNullException(nameof(baseModelName));
        _pooling = pooling;
    }

    /// <summary>The wrapped tokenizer (its BOS and EOS ids frame SAID's texts).</summary>
    internal IDecoderTokenizer Tokenizer => _tokenizer;

    /// <summary>The wrapped model.</summary>
    public DecoderLanguageModel Model { get; }

    /// <inheritdoc />
    public string Family => Model.Config.ModelType.ToLowerInvariant();

    /// <inheritdoc />
    public string BaseModelName { get; }

    /// <inheritdoc />
    public int Dimension => Model.Config.HiddenSize;

    /// <inheritdoc />
    public Device Device => Model.Device;

    /// <summary>False: LLM-CFSR pools the decoder's last layer and takes inner products on it as it is.</summary>
    public bool NormalizesEmbeddings => false;

    /// <inheritdoc />
    public IReadOnlyList<string> LoraTargetModules => Model.LoraTargetModules;

    /// <inheritdoc />
    public LoraSettings? Lora => Model.Lora;

    /// <inheritdoc />
    public void AddLora(LoraSettings settings) => Model.AddLora(settings);

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> LoraParameters() => Model.LoraParameters();

    /// <inheritdoc />
    public int[] Tokenize(string text, int maxTokens) => DecoderBatch.Tokenize(_tokenizer, text, maxTokens);

    /// <inheritdoc />
    public Tensor Embed(IReadOnlyList<int[]> tokens)
    {
        var (ids, mask) = DecoderBatch.Pad(tokens, _tokenizer.PadTokenId);
        using (ids)
        using (mask)
        {
            return Model.Embed(ids, mask, _pooling);
        }
    }

    /// <inheritdoc />
    public void SetTraining(bool training) => Model.train(training);

    /// <inheritdoc />
    public void SaveLoraAdapter(string folder) => Model.SaveLoraAdapter(folder, BaseModelName);

    /// <inheritdoc />
    public void Dispose()
    {
        Model.Dispose();
        _tokenizer.Dispose();
    }
}
