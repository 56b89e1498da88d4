namespace LlmCfsr.Models;

/// <summary>
/// What each <see cref="ModelInput"/> is and where it is given, for errors in the SDK's terms: the
/// <see cref="RecommenderModelInputs"/> property when a model is built, the training option (by name, so the models do not
/// depend on the trainer) when it is trained.
/// </summary>
internal static class ModelInputDescriptions
{
    /// <summary>The <c>TrainingOptions</c> property that gives each input when training.</summary>
    public static IReadOnlyDictionary<ModelInput, string> TrainingOptions { get; } = new Dictionary<ModelInput, string>
    {
        [ModelInput.SemanticEmbeddings] = "SemanticEmbeddingsPath",
        [ModelInput.RawSemanticEmbeddings] = "RawSemanticEmbeddingsPath",
        [ModelInput.UserEmbeddings] = "UserEmbeddingsPath",
        [ModelInput.TeacherRun] = "TeacherRunDirectory",
        [ModelInput.SaidEmbeddings] = "SaidEmbeddingsPath",
        [ModelInput.ScftEmbeddings] = "ScftEmbeddingsPath",
    };

    /// <summary>The <see cref="RecommenderModelInputs"/> property that gives each input when a model is built.</summary>
    public static IReadOnlyDictionary<ModelInput, string> Properties { get; } = new Dictionary<ModelInput, string>
    {
        [ModelInput.SemanticEmbeddings] = nameof(RecommenderModelInputs.SemanticItemEmbeddings),
        [ModelInput.RawSemanticEmbeddings] = nameof(RecommenderModelInputs.RawSemanticItemEmbeddings),
        [ModelInput.UserEmbeddings] = $"{nameof(RecommenderModelInputs.UserEmbeddings)} with {nameof(RecommenderModelInputs.TrainingData)}",
        [ModelInput.TeacherRun] = nameof(RecommenderModelInputs.TeacherItemEmbeddings),
        [ModelInput.SaidEmbeddings] = nameof(RecommenderModelInputs.SaidItemEmbeddings),
        [ModelInput.ScftEmbeddings] = nameof(RecommenderModelInputs.ScftItemEmbeddings),
    };

    /// <summary>The inputs that are item-embedding tables [items + 1, d] read from an item-embedding cache, one kind each.</summary>
    public static IReadOnlyList<ModelInput> ItemEmbeddings { get; } =
        [ModelInput.SemanticEmbeddings, ModelInput.RawSemanticEmbeddings, ModelInput.SaidEmbeddings, ModelInput.ScftEmbeddings];

    /// <summary>The error for <paramref name="model"/>'s missing <paramref name="input"/>, naming the property and the training option that give it.</summary>
    public static ArgumentException Missing(string model, ModelInput input)
        => new($"Model '{model}' needs {Describe(input, null)}: set RecommenderModelInputs.{Properties[input]} (TrainingOptions.{TrainingOptions[input]} when training).");

    /// <summary>What <paramref name="input"/> is, naming the <paramref name="teacher"/> model for a teacher run.</summary>
    public static string Describe(ModelInput input, string? teacher) => input switch
    {
        ModelInput.SemanticEmbeddings => "LLM item embeddings of an encoder fine-tuned with CFT ('llmcfsr finetune', then 'llmcfsr embed --adapter')",
        ModelInput.RawSemanticEmbeddings => "raw LLM item embeddings made without fine-tuning (the fine-tuned ones are not used in their place)",
        ModelInput.UserEmbeddings => "LLM user embeddings of the training histories",
        ModelInput.SaidEmbeddings => "SAID's stage-1 item embeddings ('llmcfsr finetune --objective said')",
        ModelInput.ScftEmbeddings => "LLM item embeddings of an encoder fine-tuned with LLMEmb's SCFT ('llmcfsr finetune --objective scft', then 'llmcfsr embed --adapter')",
        _ => $"a finished run of the id-only model {teacher ?? "it aligns to"} as its teacher",
    };
}
