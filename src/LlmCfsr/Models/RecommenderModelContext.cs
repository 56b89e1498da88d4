using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Sequences;
using TorchSharp;

namespace LlmCfsr.Models;

/// <summary>
/// What a model factory receives: the data, the backbone sizes, the registered parts and the model inputs the
/// trainer loaded from <see cref="Training.TrainingOptions"/> (item and user embeddings, a teacher's item table),
/// each already checked against <see cref="Dataset"/>. A model that needs an input that is missing fails at
/// creation through the <c>Require...</c> methods, whose messages name the option to set (the trainer checks
/// <see cref="IRecommenderModelFactory.Inputs"/> before that).
/// </summary>
public sealed record RecommenderModelContext
{
    /// <summary>The dataset the model is trained on (item count, item attributes for semantic views).</summary>
    public required PreparedDataset Dataset { get; init; }

    /// <summary>Backbone sizes (hidden, layers, heads, dropout, maximum length).</summary>
    public required SequenceEncoderSettings Backbone { get; init; }

    /// <summary>Registered parts: backbones, fusions, semantic encoders by name.</summary>
    public required ComponentCatalog Components { get; init; }

    /// <summary>The fine-tuned (CFT) item embeddings, in the dataset's item order.</summary>
    public ItemEmbeddingCache? SemanticEmbeddings { get; init; }

    /// <summary>The raw LLM item embeddings without CFT, in the dataset's item order.</summary>
    public ItemEmbeddingCache? RawSemanticEmbeddings { get; init; }

    /// <summary>The teacher run's item representations [items + 1, d] on the CPU, row 0 padding.</summary>
    public torch.Tensor? TeacherItemEmbeddings { get; init; }

    /// <summary>User embeddings of the users' training histories, in the dataset's user order.</summary>
    public UserEmbeddingCache? UserEmbeddings { get; init; }

    /// <summary>The fine-tuned item embeddings, or an error naming the option to set.</summary>
    public ItemEmbeddingCache RequireSemanticEmbeddings(string model)
        => SemanticEmbeddings ?? throw ModelInputRequirements.Missing(model, ModelInput.SemanticEmbeddings);

    /// <summary>
    /// The raw (non-fine-tuned) item embeddings, or an error naming the option to set: the fine-tuned
    /// <see cref="SemanticEmbeddings"/> are never used in their place, and a cache of kind "fine-tuned" is refused.
    /// </summary>
    public ItemEmbeddingCache RequireRawSemanticEmbeddings(string model)
    {
        var raw = RawSemanticEmbeddings ?? throw ModelInputRequirements.Missing(model, ModelInput.RawSemanticEmbeddings);
        return raw.Fingerprint.FineTuned
            ? throw new ArgumentException(
                $"Model '{model}' needs raw LLM item embeddings, but the cache of TrainingOptions.{nameof(Training.TrainingOptions.RawSemanticEmbeddingsPath)} "
                + $"is of kind '{raw.Fingerprint.Kind}' (adapter '{raw.Fingerprint.Adapter}'); embed the items without an adapter.")
            : raw;
    }

    /// <summary>The teacher's item table, or an error naming the option to set.</summary>
    public torch.Tensor RequireTeacherItemEmbeddings(string model)
        => TeacherItemEmbeddings ?? throw ModelInputRequirements.Missing(model, ModelInput.TeacherRun);

    /// <summary>The user embeddings, or an error naming the option to set.</summary>
    public UserEmbeddingCache RequireUserEmbeddings(string model)
        => UserEmbeddings ?? throw ModelInputRequirements.Missing(model, ModelInput.UserEmbeddings);
}
