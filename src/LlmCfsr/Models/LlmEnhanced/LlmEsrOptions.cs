namespace LlmCfsr.Models;

/// <summary>
/// Options of LLM-ESR (<see cref="DualViewRecommender"/> over raw LLM embeddings with retrieval-augmented
/// self-distillation, trained like SASRec with BCE); defaults from the paper and its official code.
/// </summary>
public sealed record LlmEsrOptions : BackboneModelOptions
{
    /// <summary>The registered sequence-level fusion through which the views attend to each other ("cross-attention").</summary>
    public string Fusion { get; set; } = "cross-attention";

    /// <summary>Dropout inside the semantic adapter; 0 as in the official code.</summary>
    public double AdapterDropout { get; set; }

    /// <summary>Heads of the cross-attention (each direction); 2 as in the official code.</summary>
    public int CrossAttentionHeads { get; set; } = 2;

    /// <summary>Scaling of the PCA-reduced LLM table that initialises the collaborative view; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;

    /// <summary>Similar users retrieved per user by cosine similarity of their user embeddings; 10 in the paper.</summary>
    public int Neighbours { get; set; } = 10;

    /// <summary>Weight of the MSE between a user's representation and the mean of its neighbours'; 0.1 in the paper.</summary>
    public double DistillationWeight { get; set; } = 0.1;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.RawSemanticEmbeddings | ModelInput.UserEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Named($"{section}:{nameof(Fusion)}", Fusion, "cross-attention"))
        .Concat(OptionChecks.Probability($"{section}:{nameof(AdapterDropout)}", AdapterDropout))
        .Concat(OptionChecks.Positive($"{section}:{nameof(CrossAttentionHeads)}", CrossAttentionHeads))
        .Concat(OptionChecks.Defined($"{section}:{nameof(PcaScaling)}", PcaScaling))
        .Concat(OptionChecks.Positive($"{section}:{nameof(Neighbours)}", Neighbours))
        .Concat(OptionChecks.NonNegative($"{section}:{nameof(DistillationWeight)}", DistillationWeight));

    internal DualViewDesign Design => new(UseFineTunedEmbeddings: false, SemanticView: true, CollaborativeView: true, SharedEncoder: true, Fusion, CrossAttentionHeads,
        AdapterDropout, PcaScaling, ResidualFusion: false, KeepOwnSequence: false, GateReadout: false, PositionsBeforeFusion: false, DefaultLoss: null, SelfDistillation: (Neighbours, DistillationWeight));
}
