namespace LlmCfsr.Models;

/// <summary>
/// Options of SAID's stage 2 (<see cref="SaidRecommender"/>): the backbone over the item embeddings SAID's stage 1
/// learned (<c>llmcfsr finetune --objective said</c>), read through an adapter; frozen by default, as the paper recommends.
/// </summary>
public sealed record SaidOptions : BackboneModelOptions
{
    /// <summary>Whether the stage-1 item embeddings keep training with the recommender (they start from stage 1 either way); false, as the paper recommends.</summary>
    public bool TrainItemEmbeddings { get; set; }

    /// <summary>Dropout inside the adapter from the stage-1 embedding size to the hidden size; 0 by default.</summary>
    public double AdapterDropout { get; set; }

    /// <inheritdoc />
    /// <remarks>SAID reads only its own stage-1 embeddings (kind "said-stage1"), never an encoder's pooled text embeddings.</remarks>
    public override ModelInput Inputs => ModelInput.SaidEmbeddings;

    /// <remarks>Runs before format 4 read these embeddings from TrainingOptions.SemanticEmbeddingsPath.</remarks>
    internal override ModelInput InputsBeforeFormat4 => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Probability($"{section}:{nameof(AdapterDropout)}", AdapterDropout));
}
