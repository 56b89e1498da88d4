namespace LlmCfsr.WebApi;

/// <summary>Body of <c>POST /recommendations</c>.</summary>
/// <param name="History">The user's item ids, oldest first.</param>
/// <param name="K">Number of items to return (default 10).</param>
/// <param name="AllowedItems">Only these items may be recommended (null: all).</param>
/// <param name="ExcludedItems">Never these items.</param>
/// <param name="ExcludeSeen">Whether items of the history are excluded (default true).</param>
public sealed record RecommendationRequest(
    IReadOnlyList<string>? History, int K = 10, IReadOnlyList<string>? AllowedItems = null, IReadOnlyList<string>? ExcludedItems = null, bool ExcludeSeen = true);

/// <summary>One recommended item.</summary>
/// <param name="Id">Source item id.</param>
/// <param name="Name">Display name (title or name attribute), when the bundle has one.</param>
/// <param name="Score">The model's score (ranks items; not a probability).</param>
public sealed record RecommendedItemResponse(string Id, string? Name, float Score);

/// <summary>Response of <c>POST /recommendations</c>.</summary>
/// <param name="Items">Best first.</param>
/// <param name="HistoryItemsUsed">Items of the history the model knew.</param>
/// <param name="UnknownHistoryItems">History ids the model does not know (skipped).</param>
/// <param name="UnknownFilterItems">Allow/deny-list ids the model does not know (ignored).</param>
public sealed record RecommendationResponse(
    IReadOnlyList<RecommendedItemResponse> Items, int HistoryItemsUsed, IReadOnlyList<string> UnknownHistoryItems, IReadOnlyList<string> UnknownFilterItems);

/// <summary>One new item of <c>POST /items</c>.</summary>
/// <param name="Id">Its source id (new to the catalogue).</param>
/// <param name="Attributes">Its attributes (title, brand, categories, description, ...), embedded as text.</param>
/// <param name="Embedding">Its LLM embedding when computed elsewhere (all items of a request give one, or none does).</param>
public sealed record NewItemRequest(string? Id, IReadOnlyDictionary<string, string>? Attributes, IReadOnlyList<float>? Embedding = null);

/// <summary>Body of <c>POST /items</c>.</summary>
/// <param name="Items">The items to add.</param>
public sealed record AddItemsRequest(IReadOnlyList<NewItemRequest>? Items);

/// <summary>Response of <c>POST /items</c>.</summary>
/// <param name="Added">Items added.</param>
/// <param name="ItemCount">Items in the catalogue now.</param>
public sealed record AddItemsResponse(int Added, int ItemCount);
