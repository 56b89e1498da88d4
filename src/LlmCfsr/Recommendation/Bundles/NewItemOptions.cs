namespace LlmCfsr.Recommendation;

/// <summary>
/// How <see cref="RecommenderBundle.AddItems(IReadOnlyList{NewItem}, float[])"/> represents items the model was not
/// trained on; bound from the "LlmCfsr:NewItems" configuration section (<see cref="DependencyInjection.LlmCfsrOptions.NewItems"/>).
/// </summary>
public sealed class NewItemOptions
{
    /// <summary>Where a new item's collaborative view comes from (default: its PCA coordinates).</summary>
    public NewItemCollaborativeView CollaborativeView { get; set; } = NewItemCollaborativeView.PcaCoordinates;

    /// <summary>
    /// How many nearest trained items <see cref="NewItemCollaborativeView.NearestTrainedItems"/> averages (at least 1; default 1,
    /// chosen on held-out validation items: on Office more neighbours ranked new items lower, docs/serving.md).
    /// </summary>
    public int Neighbours { get; set; } = 1;
}
