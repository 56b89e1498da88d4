namespace LlmCfsr.Models;

/// <summary>Options of LLM2X (<see cref="Llm2XRecommender"/>): the backbone and the scaling of its fixed PCA-reduced item table.</summary>
public sealed record Llm2XOptions : BackboneModelOptions
{
    /// <summary>Scaling of the PCA-reduced LLM table that is the item table; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Defined($"{section}:{nameof(PcaScaling)}", PcaScaling));
}
