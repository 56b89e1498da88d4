using System.Globalization;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using TorchSharp;

namespace LlmCfsr.Training;

/// <summary>Opens a finished run directory for re-evaluation or serving.</summary>
public static class TrainedRun
{
    /// <summary>
    /// Rebuilds the run's model from its recorded options (<see cref="ModelOptions"/>) and the item embeddings its options
    /// name, checked against <paramref name="dataset"/> (which must have the recorded fingerprint), with the parts registered
    /// in <paramref name="catalog"/>; checks the run's files against their checksums, loads the best weights, moves the model to
    /// <paramref name="device"/> and switches it to evaluation mode. Inputs only training needs (teacher run, user
    /// embeddings) are not loaded. torch's default generator, from which the fresh parameters draw, is left as it was.
    /// The caller disposes the model.
    /// </summary>
    public static SequentialRecommender LoadBestModel(ComponentCatalog catalog, RunDirectory run, PreparedDataset dataset, torch.Device device)
    {
        using var generator = DefaultGeneratorState.Save();
        return LoadBestModelDrawingFromTheGenerator(catalog, run, dataset, device);
    }

    /// <summary>
    /// <see cref="LoadBestModel(ComponentCatalog, RunDirectory, PreparedDataset, torch.Device)"/> reading the item embeddings
    /// from the paths <paramref name="inputFiles"/> gives instead of those the run recorded: for a caller that has checked
    /// they hold the content the run recorded (a comparison reusing a run whose folder or embeddings moved).
    /// </summary>
    internal static SequentialRecommender LoadBestModel(ComponentCatalog catalog, RunDirectory run, PreparedDataset dataset, torch.Device device, TrainingOptions inputFiles)
    {
        using var generator = DefaultGeneratorState.Save();
        return LoadBestModelDrawingFromTheGenerator(catalog, run, dataset, device, inputFiles);
    }

    /// <summary>
    /// <see cref="LoadBestModel(ComponentCatalog, RunDirectory, PreparedDataset, torch.Device)"/> without restoring torch's default generator: a training run loads its teacher this way
    /// after seeding, so the teacher's fresh parameters take their draws from the run's seeded sequence, as every run
    /// recorded so far did (restoring would move the student's initialisation and change its seeded results).
    /// </summary>
    internal static SequentialRecommender LoadBestModelDrawingFromTheGenerator(ComponentCatalog catalog, RunDirectory run, PreparedDataset dataset, torch.Device device,
        TrainingOptions? inputFiles = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(dataset);
        if (!run.HoldsRun)
        {
            throw new ArgumentException($"{run.Path} holds no run ({Path.GetFileName(run.Manifest)} is missing).");
        }
        run.Verify();
        var manifest = RunManifest.Read(run.Manifest);
        if (manifest.Dataset.Fingerprint != dataset.Fingerprint)
        {
            throw new ArgumentException($"{run.Manifest}: the run was trained on dataset {manifest.Dataset.Fingerprint}, not on {dataset.Fingerprint}.");
        }
        if (!File.Exists(run.BestWeights))
        {
            throw new ArgumentException($"{run.BestWeights} is missing: the run never finished an epoch.");
        }
        var options = ModelOptions(catalog, manifest);
        var recorded = manifest.WithCurrentInputOptions(options).Options;
        var paths = inputFiles is null ? recorded
            : ModelInputRequirements.Options.Keys.Aggregate(recorded, (result, input) => result.WithPathOf(input, inputFiles.PathOf(input)));
        var (inputs, _) = ModelInputs.Load(paths, options, dataset, catalog, forScoring: true);
        using (inputs)
        {
            var model = RecommenderModels.Create(catalog, manifest.Options.Model, inputs, options);
            try
            {
                WeightFiles.Load(model, run.BestWeights);
                model.to(device);
                model.eval();
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// The options the run's model was built from: <see cref="RunManifest.ModelOptions"/>, or for a run of format 1 the
    /// registration's options with the "LlmCfsr:Models:..." keys the run recorded in <see cref="RunManifest.Configuration"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">The recorded options do not fit the model's options type; the message names the field.</exception>
    public static RecommenderModelOptions ModelOptions(ComponentCatalog catalog, RunManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.ModelOptions is { } json)
        {
            return RecommenderModels.Deserialize(catalog, manifest.Options.Model, json);
        }
        var options = catalog.RecommenderModel(manifest.Options.Model).Options with { };
        // Format 1 bound the LLM-enhanced models' shared settings from "LlmCfsr:Models" and LLM-ESR's and LLMEmb's from
        // "LlmCfsr:Models:LlmEsr" and "LlmCfsr:Models:LlmEmb". Its "Fusion" key applied only where the views attend to each
        // other, so the registration's fusion stands (the ablation without cross-attention is Fusion = "concat").
        string typeSection = $"{RecommenderModelOptions.Section}:{options.GetType().Name.Replace("Options", "", StringComparison.Ordinal)}";
        foreach (var property in options.GetType().GetProperties().Where(p => p.CanWrite && p.Name != nameof(LlmCfsrModelOptions.Fusion)))
        {
            foreach (var section in new[] { RecommenderModelOptions.Section, typeSection })
            {
                if (manifest.Configuration is { } keys && keys.TryGetValue($"{section}:{property.Name}", out var text) && text is not null)
                {
                    var type = property.PropertyType;
                    property.SetValue(options, type.IsEnum ? Enum.Parse(type, text) : Convert.ChangeType(text, type, CultureInfo.InvariantCulture));
                }
            }
        }
        return options;
    }
}
