using LlmCfsr.Fusion;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>
/// Sequence-level fusion by bidirectional cross-attention: the semantic sequence queries the collaborative
/// one (keys/values) and the collaborative sequence queries the semantic one, each with a residual
/// connection, honouring padding and, for causal backbones, causality. Score-level fusion concatenates the
/// views: score = [e_se ; e_co] · [u_se ; u_co].
/// </summary>
public sealed class CrossAttentionFusion : nn.Module, IFusion
{
    private readonly ViewCrossAttention semantic_queries;
    private readonly ViewCrossAttention collaborative_queries;

    /// <summary>Creates the fusion for views of size <see cref="FusionSettings.HiddenSize"/>.</summary>
    public CrossAttentionFusion(FusionSettings settings) : base(nameof(CrossAttentionFusion))
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.HiddenSize <= 0 || settings.Heads <= 0 || settings.HiddenSize % settings.Heads != 0)
        {
            throw new ArgumentException($"Cross-attention needs a positive hidden size divisible by the head count (got {settings.HiddenSize} and {settings.Heads}).", nameof(settings));
        }
        semantic_queries = new ViewCrossAttention(nameof(semantic_queries), settings.HiddenSize, settings.Heads, settings.Dropout);
        collaborative_queries = new ViewCrossAttention(nameof(collaborative_queries), settings.HiddenSize, settings.Heads, settings.Dropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public string Name => CrossAttentionFusionFactory.RegisteredName;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public DualView FuseSequences(DualView sequences, Tensor paddingMask, bool causal)
    {
        ArgumentNullException.ThrowIfNull(paddingMask);
        // With one view missing (an ablation) there is nothing to attend over.
        if (sequences.Semantic is null || sequences.Collaborative is null)
        {
            return sequences;
        }

        using var scope = NewDisposeScope();
        long length = paddingMask.shape[1];
        var allowed = paddingMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1).expand(-1, 1, length, -1);
        if (causal)
        {
            allowed = allowed.logical_and(ones(length, length, ScalarType.Bool, paddingMask.device).tril());
        }
        // Every query may see its own position, so rows of padding queries are never fully masked (no NaN).
        allowed = allowed.logical_or(eye(length, dtype: ScalarType.Bool, device: paddingMask.device));

        var keep = paddingMask.to(sequences.Semantic.dtype).unsqueeze(-1);
        var semantic = semantic_queries.call(sequences.Semantic, sequences.Collaborative, allowed).mul(keep);
        var collaborative = collaborative_queries.call(sequences.Collaborative, sequences.Semantic, allowed).mul(keep);
        return new DualView(semantic.MoveToOuterDisposeScope(), collaborative.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor Score(DualView users, DualView items) => DualViewScore.Compute(users, items);
}
