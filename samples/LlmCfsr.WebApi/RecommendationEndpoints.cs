using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Prompts;
using LlmCfsr.Recommendation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace LlmCfsr.WebApi;

/// <summary>The service's endpoints: <c>POST /recommendations</c> and <c>POST /items</c>.</summary>
public static class RecommendationEndpoints
{
    /// <summary>The key of the served bundle's <see cref="IRecommender"/> and <see cref="RecommenderBundle"/>.</summary>
    public const string RecommenderName = "default";

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapRecommendationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/recommendations", Recommend)
            .WithName("Recommend")
            .WithSummary("The top-k next items for a history of item ids (oldest first), with names and scores.");
        app.MapPost("/items", AddItems)
            .AddEndpointFilter<ApiKeyFilter>()
            .WithName("AddItems")
            .WithSummary("Adds new items from their text (or precomputed embeddings); they are recommendable at once. Requires X-Api-Key.");
        return app;
    }

    private static async Task<Results<Ok<RecommendationResponse>, ValidationProblem>> Recommend(
        RecommendationRequest request, [FromKeyedServices(RecommenderName)] RecommenderBundle bundle, IOptions<WebApiOptions> options, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxItemsPerRequest;
        var errors = new Dictionary<string, string[]>();
        if (request.History is null || request.History.Count == 0)
        {
            errors["history"] = ["The history must list at least one item id."];
        }
        else if (request.History.Count > limit || request.History.Any(string.IsNullOrWhiteSpace))
        {
            errors["history"] = [$"The history must list 1 to {limit} non-empty item ids."];
        }
        if (request.K < 1 || request.K > limit)
        {
            errors["k"] = [$"k must be between 1 and {limit}."];
        }
        if ((request.AllowedItems?.Count ?? 0) > bundle.ItemCount + limit || (request.ExcludedItems?.Count ?? 0) > bundle.ItemCount + limit)
        {
            errors["filters"] = ["The allow- and deny-lists must not be longer than the catalogue."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var result = await bundle.RecommendAsync(request.History!, request.K, new RecommendationOptions
        {
            ExcludeSeen = request.ExcludeSeen,
            AllowedItems = request.AllowedItems is null ? null : [.. request.AllowedItems],
            ExcludedItems = request.ExcludedItems is null ? null : [.. request.ExcludedItems],
        }, cancellationToken);
        return TypedResults.Ok(new RecommendationResponse(
            [.. result.Items.Select(item => new RecommendedItemResponse(item.ItemId, bundle.DisplayName(item.ItemId), item.Score))],
            result.HistoryItemsUsed, result.UnknownHistoryItems, result.UnknownFilterItems));
    }

    private static Results<Created<AddItemsResponse>, ValidationProblem> AddItems(
        AddItemsRequest request, [FromKeyedServices(RecommenderName)] RecommenderBundle bundle, ComponentCatalog catalog, IOptions<WebApiOptions> options,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxItemsPerRequest;
        var items = request.Items;
        if (items is null || items.Count == 0 || items.Count > limit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["items"] = [$"Give 1 to {limit} items."] });
        }
        var errors = new Dictionary<string, string[]>();
        for (int i = 0; i < items.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(items[i].Id))
            {
                errors[$"items[{i}].id"] = ["An item needs a non-empty id."];
            }
            if (items[i].Embedding is null && (items[i].Attributes is null || items[i].Attributes!.Count == 0))
            {
                errors[$"items[{i}].attributes"] = ["An item needs attributes (its text) or an embedding."];
            }
        }
        int withEmbedding = items.Count(item => item.Embedding is not null);
        if (withEmbedding != 0 && withEmbedding != items.Count)
        {
            errors["items"] = ["Either every item gives an embedding or none does."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var newItems = items.Select(item => new NewItem(item.Id!, new ItemAttributes(item.Attributes ?? new Dictionary<string, string>()))).ToList();
        if (withEmbedding > 0)
        {
            bundle.AddItems(newItems, [.. items.SelectMany(item => item.Embedding!)]);
        }
        else
        {
            var template = options.Value.PromptTemplate is { } name ? ItemPromptTemplates.ByName(name) : ItemPromptTemplates.ForDataset(bundle.Manifest.Run.Dataset.Name);
            bundle.AddItems(newItems, catalog.SemanticEncoder(options.Value.Encoder), template, cancellationToken);
        }
        return TypedResults.Created("/items", new AddItemsResponse(newItems.Count, bundle.ItemCount));
    }
}
