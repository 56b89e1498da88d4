namespace LlmCfsr.Models;

/// <summary>
/// The registered names of LLM-CFSR, of the ablations of the paper and of our variant: each is
/// <see cref="LlmCfsrModelOptions"/> with the defaults of <see cref="Registered"/>, LLM-ESR is <see cref="LlmEsrOptions"/>.
/// </summary>
public static class LlmCfsrVariants
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
    /// LLM-CFSR whose cross-attention adds each view's own sequence back to the paper's exchanged outputs (our
    /// variant; the pure form hides the current item's own vectors from the encoder: docs/results.md, issue 19).
    /// </summary>
    public const string OwnSequenceKept = "llm-cfsr-own-sequence";

    /// <summary>
    /// <see cref="OwnSequenceKept"/> with each cross-attention read-out scaled by a learned gate started at 0 (our
    /// variant: the model reads as much of the other view as helps; docs/results.md, issue 19).
    /// </summary>
    public const string GatedReadout = "llm-cfsr-gated";

    /// <summary>
    /// <see cref="GatedReadout"/> trained with softmax cross-entropy over the whole catalogue instead of BPR (our variant
    /// for full ranking, chosen on validation; docs/results.md, issue 19).
    /// </summary>
    public const string GatedReadoutCatalogueCrossEntropy = "llm-cfsr-gated-ce";

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

    /// <summary>The registered fusion of views that do not attend to each other: score-level concatenation only.</summary>
    public const string ScoreLevelFusion = "concat";

    /// <summary>Every registered LLM-CFSR name with the defaults it sets on <see cref="LlmCfsrModelOptions"/> (before configuration binds).</summary>
    public static IReadOnlyList<(string Name, Action<LlmCfsrModelOptions> Defaults)> Registered { get; } =
    [
        (LlmCfsr, _ => { }),
        (WithoutCft, o => o.UseFineTunedEmbeddings = false),
        (WithoutSemantic, o => o.SemanticView = false),
        (WithoutCollaborative, o => o.CollaborativeView = false),
        (WithoutCrossAttention, o => o.Fusion = ScoreLevelFusion),
        (WithoutSharing, o => o.SharedEncoder = false),
        (ResidualCrossAttention, o => o.ResidualFusion = true),
        (OwnSequenceKept, o => o.KeepOwnSequence = true),
        (GatedReadout, Gated),
        (GatedReadoutCatalogueCrossEntropy, o => { Gated(o); o.RankingLoss = "ce"; }),
        (CatalogueCrossEntropy, o => o.RankingLoss = "ce"),
        (PositionedCrossAttention, o => o.PositionsBeforeFusion = true),
    ];

    /// <summary>The read-out gate needs the kept own sequence it gates.</summary>
    private static void Gated(LlmCfsrModelOptions options)
    {
        options.KeepOwnSequence = true;
        options.GateReadout = true;
    }
}
