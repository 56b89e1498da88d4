using LlmCfsr.Encoders;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings;

/// <summary>
/// What item embeddings depend on: the encoder (its <see cref="ISemanticEncoder.Fingerprint"/> covers model,
/// adapter, pooling and its own normalisation), the prompt template that turned attributes into text (its
/// fingerprint covers the rendering version), whether the embeddings were L2-normalised on request, and, spelled
/// out for people and for the models' checks, the adapter and whether the encoder was fine-tuned (the cache's
/// kind). Two caches are interchangeable only when these match.
/// </summary>
/// <param name="Encoder">The encoder fingerprint.</param>
/// <param name="Model">The encoder's model id (informative; already part of <paramref name="Encoder"/>).</param>
/// <param name="Pooling">The encoder's pooling (informative; already part of <paramref name="Encoder"/>).</param>
/// <param name="PromptTemplate">The prompt template fingerprint.</param>
/// <param name="Normalized">Whether embeddings were requested L2-normalised.</param>
public sealed record ItemEmbeddingFingerprint(string Encoder, string Model, EmbeddingPooling Pooling, string PromptTemplate, bool Normalized)
{
    /// <summary>The kind of embeddings made by a fine-tuned encoder.</summary>
    public const string FineTunedKind = "fine-tuned";

    /// <summary>The kind of embeddings made by an encoder that was not fine-tuned.</summary>
    public const string RawKind = "raw";

    /// <summary>The kind of SAID's stage-1 item embeddings (an id table trained to make a decoder LLM generate each item's text).</summary>
    public const string SaidStage1Kind = "said-stage1";

    /// <summary>The objective of LLM-CFSR's contrastive fine-tuning (CFT).</summary>
    public const string CftObjective = "cft";

    /// <summary>The objective of LLMEmb's contrastive fine-tuning (SCFT: shuffle-and-drop views, soft-target loss).</summary>
    public const string ScftObjective = "scft";

    /// <summary>The objective of SAID's stage 1 (an item-id table trained to make a decoder LLM generate each item's text).</summary>
    public const string SaidObjective = "said";

    /// <summary>The objective of embeddings made without fine-tuning.</summary>
    public const string NoObjective = "none";

    private readonly string? _objective;

    /// <summary>The adapter applied to the encoder's weights (<see cref="ISemanticEncoder.Adapter"/>), or "none".</summary>
    public string Adapter { get; init; } = "none";

    /// <summary>Whether the encoder was fine-tuned on the items (<see cref="ISemanticEncoder.IsFineTuned"/>).</summary>
    public bool FineTuned { get; init; }

    /// <summary>
    /// Whether these are SAID's stage-1 embeddings (<see cref="SaidStage1Kind"/>): learned item-id embeddings, not an
    /// encoder's pooled text embeddings; they also count as <see cref="FineTuned"/>, so no model takes them for raw ones.
    /// </summary>
    public bool SaidStage1 { get; init; }

    /// <summary>
    /// What the encoder (or SAID's stage 1) was fine-tuned for: <see cref="CftObjective"/> or <see cref="ScftObjective"/> for
    /// fine-tuned embeddings (null when unknown: a cache written before the metadata field 'objective' existed, or an
    /// adapter without <c>llmcfsr finetune</c>'s record), <see cref="SaidObjective"/> for SAID's stage 1 and
    /// <see cref="NoObjective"/> for raw embeddings, whatever was set.
    /// </summary>
    public string? Objective
    {
        get => SaidStage1 ? SaidObjective : FineTuned ? _objective : NoObjective;
        init => _objective = value;
    }

    /// <summary><see cref="SaidStage1Kind"/>, <see cref="FineTunedKind"/> or <see cref="RawKind"/>.</summary>
    public string Kind => SaidStage1 ? SaidStage1Kind : FineTuned ? FineTunedKind : RawKind;

    /// <summary>The fingerprint of embeddings <paramref name="encoder"/> makes from <paramref name="template"/>'s texts.</summary>
    public static ItemEmbeddingFingerprint Of(ISemanticEncoder encoder, ItemPromptTemplate template, bool normalized)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(template);
        return new ItemEmbeddingFingerprint(encoder.Fingerprint, encoder.ModelId, encoder.Pooling, template.Fingerprint, normalized)
        {
            Adapter = encoder.Adapter ?? "none",
            FineTuned = encoder.IsFineTuned,
            Objective = encoder.FineTuningObjective,
        };
    }

    /// <summary>Whether <paramref name="other"/> has the same fields, the objective compared as <see cref="Objective"/> reads (so a raw fingerprint equals one read back from a file).</summary>
    public bool Equals(ItemEmbeddingFingerprint? other)
        => other is not null && Encoder == other.Encoder && Model == other.Model && Pooling == other.Pooling && PromptTemplate == other.PromptTemplate
            && Normalized == other.Normalized && Adapter == other.Adapter && FineTuned == other.FineTuned && SaidStage1 == other.SaidStage1 && Objective == other.Objective;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Encoder, Model, Pooling, PromptTemplate, Normalized, Adapter, Kind, Objective);

    /// <summary>Lists the fields in which <paramref name="other"/> differs from this fingerprint, or an empty list.</summary>
    public IReadOnlyList<string> Differences(ItemEmbeddingFingerprint other)
    {
        ArgumentNullException.ThrowIfNull(other);
        var differences = new List<string>();
        if (Encoder != other.Encoder)
        {
            differences.Add($"encoder '{Encoder}' vs '{other.Encoder}'");
        }
        if (PromptTemplate != other.PromptTemplate)
        {
            differences.Add($"prompt template '{PromptTemplate}' vs '{other.PromptTemplate}'");
        }
        if (Adapter != other.Adapter)
        {
            differences.Add($"adapter '{Adapter}' vs '{other.Adapter}'");
        }
        if (Kind != other.Kind)
        {
            differences.Add($"kind '{Kind}' vs '{other.Kind}'");
        }
        if (Objective is { } objective && other.Objective is { } otherObjective && objective != otherObjective)
        {
            differences.Add($"objective '{objective}' vs '{otherObjective}'");
        }
        if (Normalized != other.Normalized)
        {
            differences.Add($"normalized {Normalized} vs {other.Normalized}");
        }
        if (differences.Count == 0 && (Model != other.Model || Pooling != other.Pooling))
        {
            differences.Add($"model '{Model}' ({Pooling}) vs '{other.Model}' ({other.Pooling})");
        }
        return differences;
    }
}
