using LlmCfsr.Embeddings;

namespace LlmCfsr.Models;

/// <summary>
/// Which item-embedding caches each item-embedding input takes, by the provenance the cache records (its kind and
/// fine-tuning objective): <see cref="ModelInput.SemanticEmbeddings"/> an encoder fine-tuned with CFT,
/// <see cref="ModelInput.RawSemanticEmbeddings"/> an encoder without fine-tuning, <see cref="ModelInput.SaidEmbeddings"/>
/// SAID's stage 1, <see cref="ModelInput.ScftEmbeddings"/> an encoder fine-tuned with SCFT. A fine-tuned cache whose
/// objective is unknown (written before caches recorded it, or embedded with an adapter made elsewhere) is taken by
/// both fine-tuned inputs: only a kind that is provably wrong is refused.
/// </summary>
internal static class ItemEmbeddingKinds
{
    /// <summary>Whether <paramref name="input"/> takes embeddings with <paramref name="fingerprint"/>'s provenance.</summary>
    public static bool Accepts(ModelInput input, ItemEmbeddingFingerprint fingerprint) => input switch
    {
        ModelInput.SemanticEmbeddings => FineTunedFor(fingerprint, ItemEmbeddingFingerprint.CftObjective),
        ModelInput.RawSemanticEmbeddings => fingerprint.Kind == ItemEmbeddingFingerprint.RawKind,
        ModelInput.SaidEmbeddings => fingerprint.Kind == ItemEmbeddingFingerprint.SaidStage1Kind,
        ModelInput.ScftEmbeddings => FineTunedFor(fingerprint, ItemEmbeddingFingerprint.ScftObjective),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not an item-embedding input."),
    };

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless <paramref name="input"/> takes <paramref name="fingerprint"/>'s
    /// embeddings; the one-line message starts with <paramref name="source"/> (the file), names the metadata fields, the
    /// training option and how to make the right embeddings.
    /// </summary>
    public static void Ensure(ItemEmbeddingFingerprint fingerprint, ModelInput input, string source)
    {
        if (Accepts(input, fingerprint))
        {
            return;
        }
        throw new InvalidDataException(
            $"{source}: metadata field 'kind' is '{fingerprint.Kind}' (objective '{fingerprint.Objective ?? "unknown"}', adapter '{fingerprint.Adapter}') "
            + $"but TrainingOptions.{ModelInputDescriptions.TrainingOptions[input]} takes {What(input)}; {How(input)}.");
    }

    private static bool FineTunedFor(ItemEmbeddingFingerprint fingerprint, string objective)
        => fingerprint.Kind == ItemEmbeddingFingerprint.FineTunedKind && (fingerprint.Objective is null || fingerprint.Objective == objective);

    private static string What(ModelInput input) => input switch
    {
        ModelInput.SemanticEmbeddings => "only LLM item embeddings of an encoder fine-tuned with CFT",
        ModelInput.RawSemanticEmbeddings => "only raw LLM item embeddings (made without fine-tuning)",
        ModelInput.SaidEmbeddings => "only SAID's stage-1 item embeddings",
        _ => "only LLM item embeddings of an encoder fine-tuned with SCFT",
    };

    private static string How(ModelInput input) => input switch
    {
        ModelInput.SemanticEmbeddings => "make them with 'llmcfsr finetune' (CFT) and 'llmcfsr embed --adapter', or train llm-cfsr-no-cft on raw ones",
        ModelInput.RawSemanticEmbeddings => "embed the items without --adapter and pass that file",
        ModelInput.SaidEmbeddings => "make them with 'llmcfsr finetune --objective said'",
        _ => "make them with 'llmcfsr finetune --objective scft' and 'llmcfsr embed --adapter'",
    };
}
