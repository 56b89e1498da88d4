namespace LlmCfsr.Recommendation;

/// <summary>Where an item added to a bundle from its text gets its collaborative (id) view.</summary>
public enum NewItemCollaborativeView
{
    /// <summary>
    /// Its PCA coordinates in the bundle's saved basis: where every trained item's id vector started before
    /// training (the published method's initialisation). The default.
    /// </summary>
    PcaCoordinates,

    /// <summary>
    /// The mean trained id vector of the <see cref="NewItemOptions.Neighbours"/> trained items whose LLM embeddings are
    /// nearest to its own (cosine): what training learnt for the items it reads like. Our variant (docs/serving.md).
    /// </summary>
    NearestTrainedItems,
}
