using LlmCfsr.Fusion;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
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
/// encoder (docs/results.md, issue 19); <see cref="FusionSettings.GateReadout"/> (our variant) scales each read-out by a
/// learned scalar started at 0, Ŝ_co = S_co + g_co·attention(S_se → S_co), so noisy texts can be read as little as helps.
/// Score-level fusion concatenates the views: score = [e_se ; e_co] · [u_se ; u_co].
/// </summary>
internal sealed class CrossAttentionFusion : nn.Module, IFusion
{
    private readonly ViewCrossAttention semantic_queries;
    private readonly ViewCrossAttention collaborative_queries;
    private readonly Parameter? semantic_readout_gate;
    private readonly Parameter? collaborative_readout_gate;
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
        if (settings.GateReadout && !settings.KeepOwnSequence)
        {
            throw new ArgumentException("The read-out gate needs the kept-own-sequence form: with a closed gate the paper's form would pass nothing.", nameof(settings));
        }
        _residualNorm = settings.ResidualNorm;
        _keepOwnSequence = settings.KeepOwnSequence;
        Heads = settings.Heads;
        semantic_queries = new ViewCrossAttention(nameof(semantic_queries), settings.HiddenSize, settings.Heads, settings.ResidualNorm, settings.Dropout);
        collaborative_queries = new ViewCrossAttention(nameof(collaborative_queries), settings.HiddenSize, settings.Heads, settings.ResidualNorm, settings.Dropout);
        if (settings.GateReadout)
        {
            // Closed at the start: the model begins as the views side by side and opens each gate as far as reading helps.
            semantic_readout_gate = new Parameter(zeros(1));
            collaborative_readout_gate = new Parameter(zeros(1));
        }
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

    /// <summary>Whether each read-out is scaled by a learned gate before the own sequence is added.</summary>
    public bool GateReadout => semantic_readout_gate is not null;

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
        if (semantic_readout_gate is not null && collaborative_readout_gate is not null)
        {
            semantic = semantic.mul(semantic_readout_gate);
            collaborative = collaborative.mul(collaborative_readout_gate);
        }
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
