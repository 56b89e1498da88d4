using LlmCfsr.Fusion;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>
/// Sequence-level fusion by bidirectional cross-attention (LLM-CFSR §2.4.3, LLM-ESR): semantic queries over
/// collaborative keys/values give the new collaborative sequence, Ŝ_co = softmax(Q_se·K_coᵀ/√d)·V_co, and
/// collaborative queries over semantic keys/values give the new semantic sequence; the pure attention outputs
/// replace the inputs of the backbone. Padding is never attended to and, for causal backbones, no position looks
/// ahead (bidirectional backbones attend both ways). With <see cref="FusionSettings.ResidualNorm"/> (our variant)
/// each view instead keeps its own sequence, LayerNorm(S_se + attention(S_se → S_co)) and the reverse; with
/// <see cref="FusionSettings.KeepOwnSequence"/> (our variant) the paper's exchange gets each view's own sequence added
/// back, Ŝ_co = S_co + attention(S_se → S_co), because the pure form hides the current item's own vectors from the
/// encoder (docs/results.md, issue 19).
/// Score-level fusion concatenates the views: score = [e_se ; e_co] · [u_se ; u_co].
/// </summary>
internal sealed class CrossAttentionFusion : nn.Module, IFusion
{
    private readonly ViewCrossAttention semantic_queries;
    private readonly ViewCrossAttention collaborative_queries;
    private readonly bool _residualNorm;
    private readonly bool _keepOwnSequence;

    /// <summary>Creates the fusion for views of size <see cref="FusionSettings.HiddenSize"/>.</summary>
    public CrossAttentionFusion(FusionSettings settings) : base(nameof(CrossAttentionFusion))
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.HiddenSize <= 0 || settings.Heads <= 0 || settings.HiddenSize % settings.Heads != 0)
        {
            throw new ArgumentException($"Cross-attention needs a positive hidden size divisible by the head count (got {settings.HiddenSize} and {settings.Heads}).", nameof(settings));
        }
        if (settings.ResidualNorm && settings.KeepOwnSequence)
        {
            throw new ArgumentException("Cross-attention takes either the residual + LayerNorm form or the kept-own-sequence form, not both.", nameof(settings));
        }
        _residualNorm = settings.ResidualNorm;
        _keepOwnSequence = settings.KeepOwnSequence;
        Heads = settings.Heads;
        semantic_queries = new ViewCrossAttention(nameof(semantic_queries), settings.HiddenSize, settings.Heads, settings.ResidualNorm, settings.Dropout);
        collaborative_queries = new ViewCrossAttention(nameof(collaborative_queries), settings.HiddenSize, settings.Heads, settings.ResidualNorm, settings.Dropout);
        RegisterComponents();
    }

    /// <inheritdoc />
    public string Name => CrossAttentionFusionFactory.RegisteredName;

    /// <summary>Attention heads of each direction.</summary>
    public int Heads { get; }

    /// <summary>Whether this is the residual + LayerNorm variant rather than the paper's pure attention output.</summary>
    public bool ResidualNorm => _residualNorm;

    /// <summary>Whether each view's own sequence is added back to the paper's exchanged attention outputs.</summary>
    public bool KeepOwnSequence => _keepOwnSequence;

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
        var fromSemanticQueries = semantic_queries.call(sequences.Semantic, sequences.Collaborative, allowed).mul(keep);
        var fromCollaborativeQueries = collaborative_queries.call(sequences.Collaborative, sequences.Semantic, allowed).mul(keep);
        // The paper: what the semantic queries read from the collaborative view is the new collaborative sequence.
        // The residual variant keeps each view's own sequence in its branch.
        var (semantic, collaborative) = _residualNorm
            ? (fromSemanticQueries, fromCollaborativeQueries)
            : (fromCollaborativeQueries, fromSemanticQueries);
        if (_keepOwnSequence)
        {
            semantic = TensorArithmetic.Plus(semantic, sequences.Semantic.mul(keep));
            collaborative = TensorArithmetic.Plus(collaborative, sequences.Collaborative.mul(keep));
        }
        return new DualView(semantic.MoveToOuterDisposeScope(), collaborative.MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public Tensor Score(DualView users, DualView items) => DualViewScore.Compute(users, items);
}
