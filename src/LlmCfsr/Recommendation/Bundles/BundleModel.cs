using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Training;

namespace LlmCfsr.Recommendation;

/// <summary>Rebuilds a bundle's model from its recorded typed options and the bundle's own item table.</summary>
internal static class BundleModel
{
    /// <summary>
    /// Creates the model of <paramref name="manifest"/> with fresh parameters on the CPU (the caller loads the weights)
    /// from its saved options and <paramref name="embeddings"/> (null for id-only models): no dataset, no training input.
    /// torch's default generator is left as it was.
    /// </summary>
    public static SequentialRecommender Create(BundleManifest manifest, ItemEmbeddingCache? embeddings, ComponentCatalog catalog)
    {
        var options = TrainedRun.ModelOptions(catalog, manifest.Run);
        // The bundle's one table is the item embeddings the model declares (bundles of runs before format 4 name the option the run read it from then).
        var input = ModelInputDescriptions.ItemEmbeddings.FirstOrDefault(input => options.Inputs.HasFlag(input));
        // The fresh parameters draw from torch's default generator: loading a bundle hands the caller's generator back as it found it.
        using var generator = DefaultGeneratorState.Save();
        var sizes = new RecommenderModelInputs { ItemCount = manifest.ItemCount, Backbone = manifest.Run.Options.BackboneFor(options) };
        using var inputs = input == ModelInput.None ? sizes : sizes.WithItemTable(input, embeddings?.ToTensor(withPaddingRow: true));
        return RecommenderModels.Create(catalog, manifest.Model, inputs, options);
    }
}
