using LlmCfsr.Training;

namespace LlmCfsr.Models;

/// <summary>
/// Checks that <see cref="TrainingOptions"/> give every input a model's options declare (<see cref="RecommenderModelOptions.Inputs"/>)
/// before anything is loaded or trained. Messages speak the SDK's terms ("TrainingOptions.UserEmbeddingsPath"); the CLI
/// adds its flags.
/// </summary>
public static class ModelInputRequirements
{
    /// <summary>The training option that gives each input, by <see cref="ModelInput"/> flag.</summary>
    public static IReadOnlyDictionary<ModelInput, string> Options { get; } = new Dictionary<ModelInput, string>
    {
        [ModelInput.SemanticEmbeddings] = nameof(TrainingOptions.SemanticEmbeddingsPath),
        [ModelInput.RawSemanticEmbeddings] = nameof(TrainingOptions.RawSemanticEmbeddingsPath),
        [ModelInput.UserEmbeddings] = nameof(TrainingOptions.UserEmbeddingsPath),
        [ModelInput.TeacherRun] = nameof(TrainingOptions.TeacherRunDirectory),
    };

    /// <summary>The <see cref="RecommenderModelInputs"/> property that gives each input, by <see cref="ModelInput"/> flag.</summary>
    public static IReadOnlyDictionary<ModelInput, string> Properties { get; } = new Dictionary<ModelInput, string>
    {
        [ModelInput.SemanticEmbeddings] = nameof(RecommenderModelInputs.SemanticItemEmbeddings),
        [ModelInput.RawSemanticEmbeddings] = nameof(RecommenderModelInputs.RawSemanticItemEmbeddings),
        [ModelInput.UserEmbeddings] = $"{nameof(RecommenderModelInputs.UserEmbeddings)} with {nameof(RecommenderModelInputs.TrainingData)}",
        [ModelInput.TeacherRun] = nameof(RecommenderModelInputs.TeacherItemEmbeddings),
    };

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming every input <paramref name="model"/>'s <paramref name="modelOptions"/> need
    /// that <paramref name="options"/> leave unset; <paramref name="provided"/> inputs are supplied by the caller (e.g. the
    /// teacher run a comparison trains itself).
    /// </summary>
    public static void Validate(string model, RecommenderModelOptions modelOptions, TrainingOptions options, ModelInput provided = ModelInput.None)
    {
        ArgumentNullException.ThrowIfNull(modelOptions);
        ArgumentNullException.ThrowIfNull(options);
        var given = provided
            | (options.SemanticEmbeddingsPath is null ? ModelInput.None : ModelInput.SemanticEmbeddings)
            | (options.RawSemanticEmbeddingsPath is null ? ModelInput.None : ModelInput.RawSemanticEmbeddings)
            | (options.UserEmbeddingsPath is null ? ModelInput.None : ModelInput.UserEmbeddings)
            | (options.TeacherRunDirectory is null ? ModelInput.None : ModelInput.TeacherRun);
        var missing = Options.Keys.Where(input => modelOptions.Inputs.HasFlag(input) && !given.HasFlag(input)).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Model '{model}' needs {string.Join(" and ", missing.Select(input => Describe(input, modelOptions.TeacherModel)))}: set "
                + string.Join(", ", missing.Select(input => $"TrainingOptions.{Options[input]}")) + ".");
        }
    }

    /// <summary>The error for <paramref name="model"/>'s missing <paramref name="input"/>, naming the property and the training option that give it.</summary>
    public static ArgumentException Missing(string model, ModelInput input)
        => new($"Model '{model}' needs {Describe(input, null)}: set RecommenderModelInputs.{Properties[input]} (TrainingOptions.{Options[input]} when training).");

    private static string Describe(ModelInput input, string? teacher) => input switch
    {
        ModelInput.SemanticEmbeddings => "fine-tuned LLM item embeddings",
        ModelInput.RawSemanticEmbeddings => "raw LLM item embeddings made without fine-tuning (the fine-tuned ones are not used in their place)",
        ModelInput.UserEmbeddings => "LLM user embeddings of the training histories",
        _ => $"a finished run of the id-only model {teacher ?? "it aligns to"} as its teacher",
    };
}
