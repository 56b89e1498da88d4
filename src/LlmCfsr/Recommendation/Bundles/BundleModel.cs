using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;

namespace LlmCfsr.Recommendation;

/// <summary>Rebuilds a bundle's model from its recorded options and the bundle's own inputs.</summary>
internal static class BundleModel
{
    /// <summary>
    /// Creates the model of <paramref name="manifest"/> with fresh parameters (the caller loads the weights), from
    /// the catalogue (item ids and attributes; no user, no interaction) and the bundle's item embeddings.
    /// </summary>
    public static SequentialRecommender Create(
        BundleManifest manifest, IReadOnlyList<string> itemIds, IReadOnlyList<ItemAttributes> attributes, ItemEmbeddingCache? embeddings, ComponentCatalog catalog)
    {
        var catalogue = new PreparedDataset(manifest.Run.Dataset.Name, [], itemIds, [], attributes);
        bool raw = manifest.ItemEmbeddingsOption == nameof(Training.TrainingOptions.RawSemanticEmbeddingsPath);
        var context = new RecommenderModelContext
        {
            Dataset = catalogue,
            Backbone = manifest.Run.Options.Backbone,
            Components = catalog,
            SemanticEmbeddings = raw ? null : embeddings,
            RawSemanticEmbeddings = raw ? embeddings : null,
        };
        return catalog.RecommenderModel(manifest.Model).Create(context);
    }
}
