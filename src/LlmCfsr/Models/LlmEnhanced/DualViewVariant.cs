namespace LlmCfsr.Models;

/// <summary>
/// Which parts of the dual-view model a registered name keeps: LLM-CFSR and the ablations of the paper, and
/// LLM-ESR. Each switch really removes its component (no parameters, no computation).
/// </summary>
/// <param name="UseFineTunedEmbeddings">The semantic view reads the CFT item embeddings (--embeddings); false reads the raw ones (--raw-embeddings).</param>
/// <param name="SemanticView">Keep the semantic view (frozen embeddings through the adapter).</param>
/// <param name="CollaborativeView">Keep the collaborative view (trainable, PCA-initialised id embeddings).</param>
/// <param name="CrossAttention">Fuse the sequences by cross-attention; false concatenates the views at the score only ("concat").</param>
/// <param name="SharedEncoder">Both views go through one backbone; false gives each view its own.</param>
/// <param name="SelfDistillation">Add LLM-ESR's retrieval-augmented self-distillation (needs user embeddings).</param>
/// <param name="DefaultLoss">The ranking loss used when the options name none; null keeps the trainer's default.</param>
/// <param name="PositionsBeforeFusion">Our variant after LLM-ESR's official code: scaled item vectors plus a position table enter the cross-attention, so a query can find its own position.</param>
/// <param name="ResidualFusion">Our variant of the cross-attention: each view keeps its own sequence as a residual, LayerNorm(S + attention), instead of the paper's pure attention output replacing the other view's sequence.</param>
public sealed record DualViewVariant(
    bool UseFineTunedEmbeddings, bool SemanticView, bool CollaborativeView, bool CrossAttention, bool SharedEncoder, bool SelfDistillation, string? DefaultLoss,
    bool ResidualFusion = false, bool PositionsBeforeFusion = false)
{
    /// <summary>LLM-CFSR.</summary>
    public const string LlmCfsr = "llm-cfsr";

    /// <summary>LLM-CFSR on raw LLM embeddings.</summary>
    public const string WithoutCft = "llm-cfsr-no-cft";

    /// <summary>LLM-CFSR without the semantic view.</summary>
    public const string WithoutSemantic = "llm-cfsr-no-semantic";

    /// <summary>LLM-CFSR without the collaborative view.</summary>
    public const string WithoutCollaborative = "llm-cfsr-no-collaborative";

    /// <summary>LLM-CFSR with score-level concatenation instead of cross-attention.</summary>
    public const string WithoutCrossAttention = "llm-cfsr-no-cross-attention";

    /// <summary>LLM-CFSR with one backbone per view.</summary>
    public const string WithoutSharing = "llm-cfsr-no-sharing";

    /// <summary>LLM-CFSR with our residual + LayerNorm cross-attention (not the paper's form).</summary>
    public const string ResidualCrossAttention = "llm-cfsr-residual-fusion";

    /// <summary>
    /// LLM-CFSR trained with softmax cross-entropy over the whole catalogue instead of BPR with one uniform negative
    /// (our variant, not the paper's loss; docs/results.md, "Full-ranking tail items").
    /// </summary>
    public const string CatalogueCrossEntropy = "llm-cfsr-ce";

    /// <summary>
    /// LLM-CFSR with positions added before the cross-attention, as LLM-ESR's official code does (our variant; the
    /// paper does not say where positions enter).
    /// </summary>
    public const string PositionedCrossAttention = "llm-cfsr-positioned";

    /// <summary>LLM-ESR.</summary>
    public const string LlmEsr = "llm-esr";

    /// <summary>The registered fusion of variants whose views do not attend to each other: score-level concatenation only.</summary>
    public const string ScoreLevelFusion = "concat";

    /// <summary>Whether both views are kept and attend to each other (through <see cref="LlmEnhancedModelOptions.Fusion"/>); else <see cref="ScoreLevelFusion"/>.</summary>
    public bool AttendsAcrossViews => CrossAttention && SemanticView && CollaborativeView;

    /// <summary>The model inputs the variant needs: the CFT or the raw item embeddings, plus user embeddings for self-distillation.</summary>
    public ModelInput Inputs => (UseFineTunedEmbeddings ? ModelInput.SemanticEmbeddings : ModelInput.RawSemanticEmbeddings)
        | (SelfDistillation ? ModelInput.UserEmbeddings : ModelInput.None);

    private static readonly DualViewVariant Full = new(true, true, true, true, true, false, "bpr");

    /// <summary>Every registered dual-view model: LLM-CFSR, its ablations and our variant (with LLM-CFSR's settings), and LLM-ESR (with its own).</summary>
    public static IReadOnlyList<(string Name, DualViewVariant Variant)> Registered { get; } =
    [
        (LlmCfsr, Full),
        (WithoutCft, Full with { UseFineTunedEmbeddings = false }),
        (WithoutSemantic, Full with { SemanticView = false }),
        (WithoutCollaborative, Full with { CollaborativeView = false }),
        (WithoutCrossAttention, Full with { CrossAttention = false }),
        (WithoutSharing, Full with { SharedEncoder = false }),
        (ResidualCrossAttention, Full with { ResidualFusion = true }),
        (CatalogueCrossEntropy, Full with { DefaultLoss = "ce" }),
        (PositionedCrossAttention, Full with { PositionsBeforeFusion = true }),
        // LLM-ESR: raw LLM embeddings, cross-attention, shared encoder, self-distillation, trained like SASRec (BCE).
        (LlmEsr, new(false, true, true, true, true, true, null)),
    ];
}
