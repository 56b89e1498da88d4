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
/// creation through the <c>Require...</c> methods, whose messages name the option to set.
/// </summary>
public sealed record RecommenderModelContext
{
    /// <summary>The dataset the model is trained on (item count, item attributes for semantic views).</summary>
    public required PreparedDataset Dataset { get; init; }

    /// <summary>Backbone sizes (hidden, layers, heads, dropout, maximum length).</summary>
    public required SequenceEncoderSettings Backbone { get; init; }

    /// <summary>Registered parts: backbones, fusions, semantic encoders by name.</summary>
    public required ComponentCatalog Components { get; init; }

    /// <summary>The application's services, for factories that need their own options.</summary>
    public required IServiceProvider Services { get; init; }

    /// <summary>The fine-tuned (CFT) item embeddings (<c>--embeddings</c>), in the dataset's item order.</summary>
    public ItemEmbeddingCache? SemanticEmbeddings { get; init; }

    /// <summary>The raw LLM item embeddings without CFT (<c>--raw-embeddings</c>), in the dataset's item order.</summary>
    public ItemEmbeddingCache? RawSemanticEmbeddings { get; init; }

    /// <summary>The teacher run's item representations [items + 1, d] on the CPU, row 0 padding (<c>--teacher-run</c>).</summary>
    public torch.Tensor? TeacherItemEmbeddings { get; init; }

    /// <summary>User embeddings of the users' training histories (<c>--user-embeddings</c>), in the dataset's user order.</summary>
    public UserEmbeddingCache? UserEmbeddings { get; init; }

    /// <summary>The fine-tuned item embeddings, or an error naming <c>--embeddings</c> for <paramref name="model"/>.</summary>
    public ItemEmbeddingCache RequireSemanticEmbeddings(string model)
        => SemanticEmbeddings ?? throw Missing(model, "item embeddings", "--embeddings FILE", nameof(Training.TrainingOptions.SemanticEmbeddingsPath));

    /// <summary>
    /// The raw (non-fine-tuned) item embeddings, or an error naming <c>--raw-embeddings</c>: the fine-tuned
    /// <see cref="SemanticEmbeddings"/> are never used in their place, and a cache of kind "fine-tuned" is refused.
    /// </summary>
    public ItemEmbeddingCache RequireRawSemanticEmbeddings(string model)
    {
        var raw = RawSemanticEmbeddings
            ?? throw Missing(model, "raw LLM item embeddings (made without fine-tuning; --embeddings is not used in their place)", "--raw-embeddings FILE", nameof(Training.TrainingOptions.RawSemanticEmbeddingsPath));
        return raw.Fingerprint.FineTuned
            ? throw new ArgumentException(
                $"Model '{model}' needs raw LLM item embeddings, but the --raw-embeddings cache (TrainingOptions.{nameof(Training.TrainingOptions.RawSemanticEmbeddingsPath)}) "
                + $"is of kind '{raw.Fingerprint.Kind}' (adapter '{raw.Fingerprint.Adapter}'); embed the items without an adapter.")
            : raw;
    }

    /// <summary>The teacher's item table, or an error naming <c>--teacher-run</c>.</summary>
    public torch.Tensor RequireTeacherItemEmbeddings(string model)
        => TeacherItemEmbeddings ?? throw Missing(model, "a trained id-only teacher run (e.g. sasrec)", "--teacher-run DIR", nameof(Training.TrainingOptions.TeacherRunDirectory));

    /// <summary>The user embeddings, or an error naming <c>--user-embeddings</c>.</summary>
    public UserEmbeddingCache RequireUserEmbeddings(string model)
        => UserEmbeddings ?? throw Missing(model, "user embeddings of the training histories (llmcfsr embed --users)", "--user-embeddings FILE", nameof(Training.TrainingOptions.UserEmbeddingsPath));

    private static ArgumentException Missing(string model, string what, string flag, string option)
        => new($"Model '{model}' needs {what}: pass {flag} (TrainingOptions.{option}).");
}
