namespace LlmCfsr.Models;

/// <summary>
/// Options of LLMInit: the id-only model (<see cref="IdOnlyRecommender"/>) over <see cref="BackboneModelOptions.Backbone"/>
/// whose item table starts from the PCA-reduced raw LLM item embeddings (<see cref="ModelInput.RawSemanticEmbeddings"/>) instead of random values.
/// </summary>
public sealed record LlmInitOptions : BackboneModelOptions
{
    /// <summary>Scaling of the PCA-reduced LLM table that initialises the item table; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.RawSemanticEmbeddings;

    /// <remarks>Runs before format 4 read these embeddings from TrainingOptions.SemanticEmbeddingsPath.</remarks>
    internal override ModelInput InputsBeforeFormat4 => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Defined($"{section}:{nameof(PcaScaling)}", PcaScaling));
}
