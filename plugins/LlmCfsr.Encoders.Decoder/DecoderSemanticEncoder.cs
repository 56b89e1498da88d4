using System.Security.Cryptography;
using System.Text;
using LlmCfsr.Encoders;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// An <see cref="ISemanticEncoder"/> over a decoder LLM: texts are tokenised, truncated to
/// <see cref="MaxTokens"/>, sorted by length, right-padded into batches and pooled from the last layer
/// (mean over tokens or last token). The checkpoint (and LoRA adapter, merged) loads on first use.
/// </summary>
public abstract class DecoderSemanticEncoder : ISemanticEncoder
{
    private readonly DecoderEncoderOptions _options;
    private readonly Lazy<DecoderConfig> _config;
    private readonly Lazy<string> _fingerprint;
    private DecoderLanguageModel? _model;
    private IDecoderTokenizer? _tokenizer;
    private bool _disposed;

    /// <summary>Validates the options; nothing is read from disk until first use.</summary>
    protected DecoderSemanticEncoder(DecoderEncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            throw new ArgumentException("ModelPath is required: a Hugging Face checkpoint folder with config.json.", nameof(options));
        }
        _options = options;
        Device = new Device(options.Device);
        DType = DecoderRuntime.ParseDType(options.DType);
        _config = new Lazy<DecoderConfig>(() => DecoderConfig.Load(Path.Combine(options.ModelPath, "config.json")));
        _fingerprint = new Lazy<string>(ComputeFingerprint);
    }

    /// <summary>The checkpoint folder's name.</summary>
    public string ModelId => Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_options.ModelPath)));

    /// <summary>The hidden size from config.json (read without loading weights).</summary>
    public int Dimension => _config.Value.HiddenSize;

    /// <inheritdoc />
    public int MaxTokens => _options.MaxTokens;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public ScalarType DType { get; }

    /// <inheritdoc />
    public EmbeddingPooling Pooling => _options.Pooling;

    /// <summary>Model folder, config and weight file sizes, adapter weights hash, dtype, pooling and token limit.</summary>
    public string Fingerprint => _fingerprint.Value;

    /// <summary>The LoRA adapter folder and the hash of its weights, or null when no adapter is applied.</summary>
    public string? Adapter => PeftAdapter.Identity(_options.AdapterPath);

    /// <inheritdoc />
    public string? FineTuningObjective => PeftAdapter.Objective(_options.AdapterPath);

    /// <summary>The loaded model (loads it on first access).</summary>
    public DecoderLanguageModel Model
    {
        get
        {
            EnsureLoaded();
            return _model!;
        }
    }

    /// <summary>The loaded tokenizer (loads it on first access).</summary>
    public IDecoderTokenizer Tokenizer
    {
        get
        {
            EnsureLoaded();
            return _tokenizer!;
        }
    }

    /// <summary>Opens the tokenizer stored in the checkpoint folder.</summary>
    protected abstract IDecoderTokenizer LoadTokenizer(string modelFolder, DecoderConfig config);

    /// <inheritdoc />
    public Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new SemanticEncodingOptions();
        if (options.BatchSize <= 0)
        {
            throw new ArgumentException($"BatchSize must be positive (got {options.BatchSize}).", nameof(options));
        }
        EnsureLoaded();
        var tokens = texts.Select(TokenizeTruncated).ToArray();
        var result = torch.zeros(texts.Count, Dimension, dtype: ScalarType.Float32);
        var order = Enumerable.Range(0, texts.Count).OrderByDescending(i => tokens[i].Length).ToArray();
        using var noGrad = torch.no_grad();
        int done = 0;
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.Skip(start).Take(options.BatchSize).ToArray();
            using var scope = torch.NewDisposeScope();
            var (ids, mask) = DecoderBatch.Pad(batch.Select(i => tokens[i]).ToList(), _tokenizer!.PadTokenId);
            var pooled = _model!.Embed(ids, mask, Pooling, options.Normalize).cpu();
            result.index_copy_(0, torch.tensor(batch.Select(i => (long)i).ToArray()), pooled);
            done += batch.Length;
            options.Progress?.Report(done);
        }
        return result;
    }

    /// <summary>Token ids of <paramref name="text"/>, truncated to <see cref="MaxTokens"/> (at least one token).</summary>
    public int[] TokenizeTruncated(string text)
    {
        EnsureLoaded();
        return DecoderBatch.Tokenize(_tokenizer!, text, MaxTokens);
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
        _tokenizer?.Dispose();
        GC.SuppressFinalize(this);
    }

    private void EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_model is not null)
        {
            return;
        }
        var tokenizer = LoadTokenizer(_options.ModelPath, _config.Value);
        var model = DecoderLanguageModel.FromPretrained(_options.ModelPath, DType, Device);
        if (!string.IsNullOrWhiteSpace(_options.AdapterPath))
        {
            model.LoadLoraAdapter(_options.AdapterPath);
            model.MergeLora();
        }
        model.eval();
        _tokenizer = tokenizer;
        _model = model;
    }

    private string ComputeFingerprint()
    {
        var folder = Path.GetFullPath(_options.ModelPath);
        var text = new StringBuilder()
            .Append("encoder=").Append(GetType().Name)
            .Append(";model=").Append(folder)
            .Append(";config=").Append(Sha256(File.ReadAllBytes(Path.Combine(folder, "config.json"))))
            .Append(";weights=").Append(string.Join(",", HuggingFaceCheckpoint.WeightFiles(folder).Select(f => $"{Path.GetFileName(f)}:{new FileInfo(f).Length}")))
            .Append(";adapter=").Append(string.IsNullOrWhiteSpace(_options.AdapterPath)
                ? "none"
                : Sha256(File.ReadAllBytes(Path.Combine(_options.AdapterPath, PeftAdapter.WeightsFile))))
            .Append(";dtype=").Append(DecoderRuntime.DTypeName(DType))
            .Append(";pooling=").Append(Pooling)
            .Append(";max_tokens=").Append(MaxTokens);
        return text.ToString();
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];
}
