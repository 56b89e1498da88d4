using LlmCfsr.Embeddings;
using LlmCfsr.Models;

namespace LlmCfsr.Training;

/// <summary>
/// Checks that <see cref="TrainingOptions"/> give every input a model's options declare (<see cref="RecommenderModelOptions.Inputs"/>)
/// before anything is loaded or trained. Messages speak the SDK's terms ("TrainingOptions.UserEmbeddingsPath"); the CLI
/// adds its flags.
/// </summary>
public static class ModelInputRequirements
{
    /// <summary>The training option that gives each input, by <see cref="ModelInput"/> flag.</summary>
    public static IReadOnlyDictionary<ModelInput, string> Options => ModelInputDescriptions.TrainingOptions;

    /// <summary>
    /// Throws <see cref="ArgumentException"/> when the backbone sizes the options and the model's options make together do not
    /// fit (heads that do not divide the hidden size), or naming every input <paramref name="model"/>'s <paramref name="modelOptions"/> need
    /// that <paramref name="options"/> leave unset; <paramref name="provided"/> inputs are supplied by the caller (e.g. the
    /// teacher run a comparison trains itself); throws <see cref="InvalidDataException"/> naming the file, its metadata and the
    /// option when an item-embedding cache the model reads is not of the kind its input takes (raw, CFT, SCFT, SAID stage 1:
    /// docs/models.md, "Inputs").
    /// </summary>
    public static void Validate(string model, RecommenderModelOptions modelOptions, TrainingOptions options, ModelInput provided = ModelInput.None)
    {
        ArgumentNullException.ThrowIfNull(modelOptions);
        ArgumentNullException.ThrowIfNull(options);
        options.BackboneFor(modelOptions).Validate();
        var missing = Options.Keys.Where(input => modelOptions.Inputs.HasFlag(input) && !provided.HasFlag(input) && options.PathOf(input) is null).ToList();
        if (missing.Count > 0)
        {
            throw new ArgumentException(
                $"Model '{model}' needs {string.Join(" and ", missing.Select(input => ModelInputDescriptions.Describe(input, modelOptions.TeacherModel)))}: set "
                + string.Join(", ", missing.Select(input => $"TrainingOptions.{Options[input]}")) + ".");
        }
        foreach (var input in ModelInputDescriptions.ItemEmbeddings.Where(input => modelOptions.Inputs.HasFlag(input)))
        {
            var path = options.PathOf(input)!;
            ItemEmbeddingKinds.Ensure(ItemEmbeddingCache.ReadInfo(path).Fingerprint, input, path);
        }
    }
}
