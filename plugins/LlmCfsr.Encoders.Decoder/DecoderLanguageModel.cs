using LlmCfsr.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// A decoder-only transformer language model (Hugging Face <c>LlamaForCausalLM</c> / <c>Qwen2ForCausalLM</c>):
/// RMSNorm, rotary embeddings, grouped-query attention, SwiGLU, optional q/k/v bias, tied or untied output
/// head. Parameters keep the Hugging Face names (<c>model.layers.0.self_attn.q_proj.weight</c>, ...), so
/// checkpoints load without renaming. Weights may be float32, float16 or bfloat16; norms and softmax run in float32.
/// </summary>
public sealed class DecoderLanguageModel : LoraAdaptableModel
{
    [ComponentName(Name = "model")]
    private readonly DecoderBackbone _backbone;
    [ComponentName(Name = "lm_head")]
    private readonly DecoderLinear? _outputHead;

    private DecoderLanguageModel(DecoderConfig config, ScalarType dtype, Device device) : base(nameof(DecoderLanguageModel))
    {
        config.Validate();
        if (dtype is not (ScalarType.Float32 or ScalarType.Float16 or ScalarType.BFloat16))
        {
            throw new ArgumentException($"Decoder weights must be float32, float16 or bfloat16 (got {dtype}).", nameof(dtype));
        }
        Config = config;
        DType = dtype;
        Device = device;
        _backbone = new DecoderBackbone(config, dtype, device);
        _outputHead = config.TieWordEmbeddings ? null : new DecoderLinear(config.HiddenSize, config.VocabSize, hasBias: false, dtype, device);
        RegisterComponents();
    }

    /// <summary>The architecture.</summary>
    public DecoderConfig Config { get; }

    /// <summary>Dtype of the weights.</summary>
    public ScalarType DType { get; }

    /// <summary>Device the weights live on.</summary>
    public Device Device { get; }

    /// <summary>Every attention and MLP projection: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj.</summary>
    public override IReadOnlyList<string> LoraTargetModules => LoraSettings.DefaultTargetModules;

    /// <summary>
    /// Builds a model with freshly initialised weights (normal(0, 0.02) projections and embeddings, unit norms,
    /// zero biases, as Hugging Face initialises). On the <c>meta</c> device no memory is allocated and nothing is initialised.
    /// </summary>
    public static DecoderLanguageModel Create(DecoderConfig config, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var lm = new DecoderLanguageModel(config, dtype, device ?? torch.CPU);
        if (lm.Device.type != DeviceType.META)
        {
            lm.InitializeWeights();
        }
        return lm;
    }

    /// <summary>
    /// Loads a Hugging Face checkpoint folder: <c>config.json</c> plus <c>model.safetensors</c>, or shards listed in
    /// <c>model.safetensors.index.json</c>. Tensors are converted to <paramref name="dtype"/> and moved to
    /// <paramref name="device"/>. A missing, unexpected or mis-shaped tensor fails naming it and both shapes.
    /// </summary>
    public static DecoderLanguageModel FromPretrained(string folder, ScalarType dtype = ScalarType.Float32, Device? device = null)
    {
        var config = DecoderConfig.Load(Path.Combine(folder, "config.json"));
        var lm = new DecoderLanguageModel(config, dtype, device ?? torch.CPU);
        try
        {
            HuggingFaceCheckpoint.Load(lm, folder);
        }
        catch
        {
            lm.Dispose();
            throw;
        }
        lm.eval();
        return lm;
    }

    /// <summary>Last-layer hidden states after the final norm, [batch, length, hidden], in the weight dtype.</summary>
    /// <param name="inputIds">int64 [batch, length], right-padded.</param>
    /// <param name="attentionMask">[batch, length]: 1 for tokens, 0 for padding.</param>
    public Tensor HiddenStates(Tensor inputIds, Tensor attentionMask) => _backbone.call(inputIds.to(Device), attentionMask.to(Device));

    /// <summary>Next-token logits [batch, length, vocab] in float32.</summary>
    public override Tensor forward(Tensor inputIds, Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        return Project(HiddenStates(inputIds, attentionMask)).MoveToOuterDisposeScope();
    }

    /// <summary>The input embeddings of <paramref name="inputIds"/> [batch, length, hidden], in the weight dtype.</summary>
    public Tensor TokenEmbeddings(Tensor inputIds) => _backbone.TokenEmbeddings(inputIds.to(Device));

    /// <summary>
    /// Next-token logits [batch, length, vocab] in float32 from input embeddings [batch, length, hidden] (Hugging Face's
    /// <c>inputs_embeds</c>): vectors that are no token, such as SAID's soft item tokens, can stand among token embeddings.
    /// </summary>
    /// <param name="inputEmbeddings">[batch, length, hidden] in the weight dtype, right-padded.</param>
    /// <param name="attentionMask">[batch, length]: 1 for positions, 0 for padding.</param>
    public Tensor LogitsFromEmbeddings(Tensor inputEmbeddings, Tensor attentionMask)
    {
        using var scope = torch.NewDisposeScope();
        return Project(_backbone.ForwardEmbeddings(inputEmbeddings.to(Device), attentionMask.to(Device), null)).MoveToOuterDisposeScope();
    }

    private Tensor Project(Tensor hidden)
        => (_outputHead is null ? nn.functional.linear(hidden, _backbone.EmbeddingWeight) : _outputHead.call(hidden)).to(ScalarType.Float32);

    /// <summary>
    /// Pools the last layer into one float32 vector per row [batch, hidden]: the mean over non-padding tokens or
    /// the last non-padding token's state; optionally scaled to unit L2 norm.
    /// </summary>
    public Tensor Embed(Tensor inputIds, Tensor attentionMask, EmbeddingPooling pooling, bool normalize = false)
    {
        using var scope = torch.NewDisposeScope();
        var mask = attentionMask.to(Device);
        var hidden = HiddenStates(inputIds, mask).to(ScalarType.Float32);
        var lengths = mask.to(ScalarType.Int64).sum(1);
        using var one = 1.ToScalar();
        using var zero = 0.ToScalar();
        Tensor pooled;
        if (pooling == EmbeddingPooling.Mean)
        {
            var weights = mask.to(ScalarType.Float32).unsqueeze(-1);
            pooled = (hidden * weights).sum(1) / lengths.clamp_min(one).to(ScalarType.Float32).unsqueeze(-1);
        }
        else
        {
            var last = lengths.sub(one).clamp_min(zero).view(-1, 1, 1).expand(-1, 1, hidden.shape[2]);
            pooled = hidden.gather(1, last).squeeze(1);
        }
        if (normalize)
        {
            pooled = nn.functional.normalize(pooled, p: 2, dim: -1);
        }
        return pooled.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Greedy decoding: appends the arg-max token <paramref name="maxNewTokens"/> times (stopping early at
    /// <paramref name="eosTokenId"/>) and returns the generated ids only. Keys and values are cached, so each
    /// position is computed once.
    /// </summary>
    public int[] GenerateGreedy(IReadOnlyList<int> prompt, int maxNewTokens, int? eosTokenId = null)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Count == 0)
        {
            throw new ArgumentException("Greedy decoding needs at least one prompt token (e.g. BOS).", nameof(prompt));
        }
        using var noGrad = torch.no_grad();
        using var cache = new KeyValueCache(Config.NumHiddenLayers);
        var next = prompt.Select(t => (long)t).ToArray();
        var generated = new List<int>();
        while (generated.Count < maxNewTokens)
        {
            using var scope = torch.NewDisposeScope();
            var ids = torch.tensor(next, device: Device).unsqueeze(0);
            var mask = torch.ones(1, cache.Length + next.Length, dtype: ScalarType.Int64, device: Device);
            var hidden = _backbone.Forward(ids, mask, cache).narrow(1, -1, 1);
            int token = (int)Project(hidden)[0, 0].argmax().item<long>();
            generated.Add(token);
            if (token == eosTokenId)
            {
                break;
            }
            next = new long[] { token };
        }
        return generated.ToArray();
    }

    /// <inheritdoc />
    internal override IEnumerable<(string Name, DecoderLinear Projection)> Projections() => _backbone.Layers.SelectMany(layer => layer.Projections());

    private void InitializeWeights()
    {
        using var noGrad = torch.no_grad();
        nn.init.normal_(_backbone.EmbeddingWeight, 0, 0.02);
        foreach (var (_, projection) in Projections())
        {
            nn.init.normal_(projection.Weight, 0, 0.02);
        }
        if (_outputHead is not null)
        {
            nn.init.normal_(_outputHead.Weight, 0, 0.02);
        }
    }
}
