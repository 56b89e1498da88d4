namespace LlmCfsr.Models;

/// <summary>
/// Options of LLM-CFSR (<see cref="DualViewRecommender"/>) and of its ablations, which are registrations of the same
/// class with a switch turned off (<see cref="LlmCfsrVariants"/>): each switch really removes its component (no
/// parameters, no computation). Defaults are the paper's.
/// </summary>
public sealed record LlmCfsrModelOptions : BackboneModelOptions
{
    /// <summary>The paper's settings: d = 64 and 4 heads in the shared SASRec encoder.</summary>
    public LlmCfsrModelOptions() => Heads = 4;

    /// <summary>The registered sequence-level fusion through which the views attend to each other: "cross-attention" (the paper's form) or "concat" (score-level concatenation only).</summary>
    public string Fusion { get; set; } = "cross-attention";

    /// <summary>Dropout inside the semantic adapter (between its two linear layers); 0 as in LLM-ESR's adapter.</summary>
    public double AdapterDropout { get; set; }

    /// <summary>Heads of the cross-attention (each direction); 4 as in the paper.</summary>
    public int CrossAttentionHeads { get; set; } = 4;

    /// <summary>Scaling of the PCA-reduced LLM table that initialises the collaborative view; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;

    /// <summary>The semantic view reads the CFT item embeddings; false reads the raw ones (the "no CFT" ablation).</summary>
    public bool UseFineTunedEmbeddings { get; set; } = true;

    /// <summary>Keep the semantic view (frozen LLM embeddings through the adapter).</summary>
    public bool SemanticView { get; set; } = true;

    /// <summary>Keep the collaborative view (trainable, PCA-initialised id embeddings).</summary>
    public bool CollaborativeView { get; set; } = true;

    /// <summary>Both views go through one backbone; false gives each view its own.</summary>
    public bool SharedEncoder { get; set; } = true;

    /// <summary>
    /// Our variant of the cross-attention: each view keeps its own sequence as a residual, LayerNorm(S + attention),
    /// instead of the paper's pure attention output replacing the other view's sequence.
    /// </summary>
    public bool ResidualFusion { get; set; }

    /// <summary>
    /// Our variant of the cross-attention: the paper's exchange of the views plus each view's own sequence added back,
    /// Ŝ_co = S_co + attention(S_se → S_co) and the reverse (no LayerNorm), so the encoder sees every position's own
    /// item vectors, which the pure form hides (docs/results.md, issue 19).
    /// </summary>
    public bool KeepOwnSequence { get; set; }

    /// <summary>
    /// Our variant on top of <see cref="KeepOwnSequence"/>: each view's cross-attention read-out is scaled by a learned
    /// scalar started at 0, Ŝ_co = S_co + g_co·attention(S_se → S_co), so the model starts from the views side by side and
    /// learns how much of the other view to read (docs/results.md, issue 19).
    /// </summary>
    public bool GateReadout { get; set; }

    /// <summary>
    /// Our variant after LLM-ESR's official code: √d-scaled item vectors plus a position table shared by both views
    /// enter the cross-attention, so a query can find the key at its own position (<see cref="FusionPositions"/>).
    /// </summary>
    public bool PositionsBeforeFusion { get; set; }

    /// <summary>The registered ranking loss the model trains with when the training options name none: "bpr" as in the paper.</summary>
    public string RankingLoss { get; set; } = "bpr";

    /// <inheritdoc />
    public override ModelInput Inputs => UseFineTunedEmbeddings ? ModelInput.SemanticEmbeddings : ModelInput.RawSemanticEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Named($"{section}:{nameof(Fusion)}", Fusion, "cross-attention"))
        .Concat(OptionChecks.Probability($"{section}:{nameof(AdapterDropout)}", AdapterDropout))
        .Concat(OptionChecks.Positive($"{section}:{nameof(CrossAttentionHeads)}", CrossAttentionHeads))
        .Concat(OptionChecks.Defined($"{section}:{nameof(PcaScaling)}", PcaScaling))
        .Concat(OptionChecks.Named($"{section}:{nameof(RankingLoss)}", RankingLoss, "bpr"))
        .Concat(ResidualFusion && KeepOwnSequence ? [$"{section}: {nameof(ResidualFusion)} and {nameof(KeepOwnSequence)} are two forms of the cross-attention; choose one."] : [])
        .Concat(GateReadout && !KeepOwnSequence ? [$"{section}: {nameof(GateReadout)} gates the read-out of the kept-own-sequence form; set {nameof(KeepOwnSequence)} too."] : [])
        .Concat(SemanticView || CollaborativeView ? [] : [$"{section}: a dual-view model keeps the semantic view, the collaborative view, or both."]);

    internal DualViewDesign Design => new(UseFineTunedEmbeddings, SemanticView, CollaborativeView, SharedEncoder, Fusion, CrossAttentionHeads,
        AdapterDropout, PcaScaling, ResidualFusion, KeepOwnSequence, GateReadout, PositionsBeforeFusion, DefaultLoss: RankingLoss, SelfDistillation: null);
}
