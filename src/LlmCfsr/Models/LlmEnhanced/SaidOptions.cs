using LlmCfsr.Embeddings;

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
    public override ModelInput Inputs => ModelInput.SemanticEmbeddings;

    /// <summary>SAID reads only its own stage-1 embeddings (kind "said-stage1"), never an encoder's pooled text embeddings.</summary>
    public override string? SemanticEmbeddingsKind => ItemEmbeddingFingerprint.SaidStage1Kind;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Probability($"{section}:{nameof(AdapterDropout)}", AdapterDropout));
}
