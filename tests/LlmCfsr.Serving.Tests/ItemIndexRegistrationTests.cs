using LlmCfsr.DependencyInjection;
using LlmCfsr.ItemIndex.USearch;
using LlmCfsr.Recommendation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Serving.Tests;

public sealed class ItemIndexRegistrationTests
{
    private static ServiceProvider Build(Action<ILlmCfsrBuilder> add, params (string Key, string Value)[] settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build());
        add(services.AddLlmCfsr());
        return services.BuildServiceProvider();
    }

    [Fact]
    public void IndexesResolveByNameCaseInsensitively()
    {
        using var provider = Build(b => b.AddExactItemIndex().AddUSearchItemIndex());
        var catalog = provider.GetRequiredService<ComponentCatalog>();
        Assert.IsType<ExactItemIndexFactory>(catalog.ItemIndex("exact"));
        Assert.IsType<USearchItemIndexFactory>(catalog.ItemIndex("USearch"));
        Assert.Equal(["exact", "usearch"], catalog.Names(ComponentKind.ItemIndex));
    }

    [Fact]
    public void AnUnknownNameListsTheRegisteredIndexes()
    {
        using var provider = Build(b => b.AddExactItemIndex());
        var error = Assert.Throws<KeyNotFoundException>(() => provider.GetRequiredService<ComponentCatalog>().ItemIndex("hnsw"));
        Assert.Equal("No item index is registered as 'hnsw'. Registered: exact.", error.Message);
    }

    [Fact]
    public void TheFirstRegistrationOfANameWins()
    {
        using var provider = Build(b => b.AddItemIndex<ExactItemIndexFactory>("usearch").AddUSearchItemIndex());
        Assert.IsType<ExactItemIndexFactory>(provider.GetRequiredService<ComponentCatalog>().ItemIndex("usearch"));
    }

    [Fact]
    public void USearchOptionsBindFromConfigurationAndAreValidated()
    {
        using var provider = Build(b => b.AddUSearchItemIndex(), ("LlmCfsr:ItemIndex:USearch:ExpansionSearch", "200"));
        Assert.Equal(200, provider.GetRequiredService<IOptions<USearchItemIndexOptions>>().Value.ExpansionSearch);

        using var bad = Build(b => b.AddUSearchItemIndex(o => o.Connectivity = 1));
        var error = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<USearchItemIndexOptions>>().Value);
        Assert.Contains("LlmCfsr:ItemIndex:USearch:Connectivity must be at least 2; got 1.", error.Message);
    }

    [Fact]
    public void ARecommenderUsesTheIndexItIsGiven()
    {
        using var provider = Build(b => b.AddUSearchItemIndex());
        var factory = provider.GetRequiredService<ComponentCatalog>().ItemIndex("usearch");
        using var recommender = new Recommender(new TableModel(50, 8, 1), TableModel.SourceIds(50), factory);
        Assert.Equal("usearch", recommender.Index.Name);
        Assert.Equal(5, recommender.Recommend(["item-1"], 5).Items.Count);
    }
}
