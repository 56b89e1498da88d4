namespace LlmCfsr.Models;

/// <summary>
/// Options of LLM2X (<see cref="Llm2XRecommender"/>): the backbone and the scaling of its fixed PCA-reduced item table, made from
/// raw LLM item embeddings (<see cref="ModelInput.RawSemanticEmbeddings"/>), as the baseline uses them.
/// </summary>
public sealed record Llm2XOptions : BackboneModelOptions
{
    /// <summary>Scaling of the PCA-reduced LLM table that is the item table; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.RawSemanticEmbeddings;

    /// <remarks>Runs before format 4 read these embeddings from TrainingOptions.SemanticEmbeddingsPath.</remarks>
    internal override ModelInput InputsBeforeFormat4 => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Defined($"{section}:{nameof(PcaScaling)}", PcaScaling));
}
