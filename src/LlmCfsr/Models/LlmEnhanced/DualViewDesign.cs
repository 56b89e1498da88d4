namespace LlmCfsr.Models;

/// <summary>
/// What a <see cref="DualViewRecommender"/> is built of, from <see cref="LlmCfsrModelOptions"/> or <see cref="LlmEsrOptions"/>.
/// <paramref name="Fusion"/> is used when both views are kept; a single view is scored through <see cref="LlmCfsrVariants.ScoreLevelFusion"/>.
/// </summary>
internal sealed record DualViewDesign(
    bool UseFineTunedEmbeddings, bool SemanticView, bool CollaborativeView, bool SharedEncoder, string Fusion, int CrossAttentionHeads,
    double AdapterDropout, PcaScaling PcaScaling, bool ResidualFusion, bool KeepOwnSequence, bool GateReadout, bool PositionsBeforeFusion, string? DefaultLoss, (int Neighbours, double Weight)? SelfDistillation)
{
    /// <summary>The registered fusion the model is built with.</summary>
    public string FusionName => SemanticView && CollaborativeView ? Fusion : LlmCfsrVariants.ScoreLevelFusion;
}
