using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Recommendation;
using LlmCfsr.Serving.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.WebApi.Tests;

/// <summary>One tiny LLM-CFSR bundle trained for the class, exported to a temporary folder.</summary>
public sealed class WebApiBundleFixture : IDisposable
{
    internal TinyBundle Bundle { get; } = TinyBundle.Train(epochs: 2);

    public void Dispose() => Bundle.Dispose();
}

/// <summary>
/// The web API sample over a bundle trained in the test: recommendations with names, new items behind the API key,
/// health, the OpenAPI document, problem-details 400s for bad input (never 500), 413 past the size limit, 429
/// past the rate limit, and the SDK's new-item settings from configuration, checked at start.
/// </summary>
public sealed class WebApiTests(WebApiBundleFixture fixture) : IClassFixture<WebApiBundleFixture>
{
    private TinyBundle Trained => fixture.Bundle;

    private List<string> History(int user) => [.. Trained.Dataset.TrainingSequence(user).ToArray().Select(i => Trained.Dataset.ItemSourceIds[i - 1])];

    [Fact]
    public async Task RecommendationsHaveNamesAndScores()
    {
        using var factory = new WebApiFactory(Trained.BundlePath);
        using var client = factory.CreateClient();
        var history = History(1);

        using var response = await client.PostAsJsonAsync("/recommendations", new { history = (string[])[.. history, "no-such-item"], k = 5 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var items = body.RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(5, items.Count);
        foreach (var item in items)
        {
            var id = item.GetProperty("id").GetString()!;
            Assert.DoesNotContain(id, history);
            int row = Trained.Dataset.ItemSourceIds.ToList().IndexOf(id);
            Assert.Equal(Trained.Dataset.ItemAttributes[row].DisplayName, item.GetProperty("name").GetString());
            Assert.True(float.IsFinite(item.GetProperty("score").GetSingle()));
        }
        Assert.Equal(history.Count, body.RootElement.GetProperty("historyItemsUsed").GetInt32());
        Assert.Equal("no-such-item", body.RootElement.GetProperty("unknownHistoryItems")[0].GetString());
    }

    [Theory]
    [InlineData("{\"history\": [], \"k\": 5}")]
    [InlineData("{\"k\": 5}")]
    [InlineData("{\"history\": [\"x\"], \"k\": 0}")]
    [InlineData("{\"history\": [\"x\"], \"k\": 100000}")]
    [InlineData("{\"history\": 5}")]
    [InlineData("{\"history\": [\"x\"], \"k\": \"ten\"}")]
    [InlineData("{\"history\": [\"x\"")]
    [InlineData("")]
    [InlineData("null")]
    public async Task BadRecommendationRequestIsProblemDetails400(string json)
    {
        using var factory = new WebApiFactory(Trained.BundlePath);
        using var client = factory.CreateClient();

        using var response = await client.PostAsync("/recommendations", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AddingItemsNeedsTheApiKeyAndMakesThemRecommendable()
    {
        using var factory = new WebApiFactory(Trained.BundlePath);
        using var client = factory.CreateClient();
        var item = Trained.HeldOut;
        var body = new { items = new[] { new { id = item.Id, attributes = item.Attributes.Pairs.ToDictionary(p => p.Key, p => p.Value) } } };

        using (var anonymous = await client.PostAsJsonAsync("/items", body))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        }
        using (var wrongKey = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(body) })
        {
            wrongKey.Headers.Add("X-Api-Key", "guess");
            using var response = await client.SendAsync(wrongKey);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using (var added = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(body) })
        {
            added.Headers.Add("X-Api-Key", WebApiFactory.ApiKey);
            using var response = await client.SendAsync(added);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
        using (var again = new HttpRequestMessage(HttpMethod.Post, "/items") { Content = JsonContent.Create(body) })
        {
            again.Headers.Add("X-Api-Key", WebApiFactory.ApiKey);
            using var response = await client.SendAsync(again);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        using var recommended = await client.PostAsJsonAsync("/recommendations", new { history = History(1), k = 1, allowedItems = new[] { item.Id } });
        using var result = JsonDocument.Parse(await recommended.Content.ReadAsStringAsync());
        var only = Assert.Single(result.RootElement.GetProperty("items").EnumerateArray().ToList());
        Assert.Equal(item.Id, only.GetProperty("id").GetString());
        Assert.Equal(item.Attributes.DisplayName, only.GetProperty("name").GetString());
    }

    [Fact]
    public async Task NewItemSettingsComeFromConfigurationAndAreCheckedAtStart()
    {
        var nearest = new Dictionary<string, string> { ["LlmCfsr:NewItems:CollaborativeView"] = "NearestTrainedItems", ["LlmCfsr:NewItems:Neighbours"] = "2" };
        using (var factory = new WebApiFactory(Trained.BundlePath, settings: nearest))
        {
            var bound = factory.Services.GetRequiredService<IOptions<LlmCfsrOptions>>().Value.NewItems;
            Assert.Equal(NewItemCollaborativeView.NearestTrainedItems, bound.CollaborativeView);
            Assert.Equal(2, bound.Neighbours);
            using var client = factory.CreateClient();
            var item = Trained.HeldOut;
            using var added = new HttpRequestMessage(HttpMethod.Post, "/items")
            {
                Content = JsonContent.Create(new { items = new[] { new { id = item.Id, attributes = item.Attributes.Pairs.ToDictionary(p => p.Key, p => p.Value) } } }),
            };
            added.Headers.Add("X-Api-Key", WebApiFactory.ApiKey);
            using var response = await client.SendAsync(added);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        using var invalid = new WebApiFactory(Trained.BundlePath, settings: new Dictionary<string, string> { ["LlmCfsr:NewItems:Neighbours"] = "0" });
        var error = Assert.Throws<OptionsValidationException>(() => invalid.CreateClient());
        Assert.Contains("LlmCfsr:NewItems:Neighbours must be at least 1 (got 0).", error.Message);
    }

    [Fact]
    public async Task HealthAndOpenApiDocumentAreServed()
    {
        using var factory = new WebApiFactory(Trained.BundlePath);
        using var client = factory.CreateClient();

        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
        var document = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/recommendations", document, StringComparison.Ordinal);
        Assert.Contains("/items", document, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedBodyIs413()
    {
        using var factory = new WebApiFactory(Trained.BundlePath);
        using var client = factory.CreateClient();
        var history = Enumerable.Repeat(new string('x', 100), 1000).ToArray();

        using var response = await client.PostAsJsonAsync("/recommendations", new { history, k = 5 });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task RequestsPastTheRateLimitAre429()
    {
        using var factory = new WebApiFactory(Trained.BundlePath, permitsPerSecond: 3);
        using var client = factory.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < 8; i++)
        {
            using var response = await client.GetAsync("/health");
            statuses.Add(response.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
    }
}
