namespace LlmCfsr.Recommendation;

/// <summary>One recommended item: its source id and the model's score (higher is better; scores compare within one model only).</summary>
public readonly record struct RecommendedItem(string ItemId, float Score);
