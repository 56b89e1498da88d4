using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using TorchSharp;

namespace LlmCfsr.Training;

/// <summary>Opens a finished run directory for re-evaluation or serving.</summary>
public static class TrainedRun
{
    /// <summary>
    /// Rebuilds the run's model for <paramref name="dataset"/> (which must have the recorded fingerprint) with
    /// the parts registered in <paramref name="catalog"/> and the inputs recorded in its options (embeddings, teacher run), checks the run's files against its checksums, loads the best weights, moves it to
    /// <paramref name="device"/> and switches it to evaluation mode. The caller disposes the model.
    /// </summary>
    public static SequentialRecommender LoadBestModel(ComponentCatalog catalog, RunDirectory run, PreparedDataset dataset, torch.Device device)
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
        var (model, _) = RecommenderTrainer.CreateModel(catalog.RecommenderModel(manifest.Options.Model), dataset, manifest.Options, catalog);
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
