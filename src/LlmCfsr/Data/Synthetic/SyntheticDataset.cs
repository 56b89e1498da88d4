namespace LlmCfsr.Data.Synthetic;

/// <summary>A generated dataset and its ground truth: the latent topic of every item and each topic's words.</summary>
/// <param name="Dataset">The dataset (items carry title, brand, categories and description attributes).</param>
/// <param name="ItemTopics">Topic of item i at index i (index 0 = padding, -1).</param>
/// <param name="TopicWords">The keywords of each topic, which item text is drawn from.</param>
public sealed record SyntheticDataset(PreparedDataset Dataset, IReadOnlyList<int> ItemTopics, IReadOnlyList<IReadOnlyList<string>> TopicWords);
