using LlmCfsr.Data;

namespace LlmCfsr.Recommendation;

/// <summary>An item to add to a loaded bundle's catalogue after training: its source id and the attributes its text is made from.</summary>
/// <param name="Id">The item's source id (unique in the catalogue).</param>
/// <param name="Attributes">Its attributes (title, brand, categories, ...), rendered to text with the bundle's prompt template.</param>
public sealed record NewItem(string Id, ItemAttributes Attributes);
