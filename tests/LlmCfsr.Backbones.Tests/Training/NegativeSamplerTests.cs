using LlmCfsr.Losses;
using LlmCfsr.Data;
using LlmCfsr.Training;
using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

public sealed class NegativeSamplerTests
{
    [Fact]
    public void NegativesNeverComeFromTheUsersTrainingItems()
    {
        // User 1 trains on items 1..8 of 10 (9 and 10 are held out for validation and test), user 2 on item 3 only.
        var dataset = new PreparedDataset("n", new[] { "a", "b" }, Enumerable.Range(1, 10).Select(i => $"i{i}").ToArray(),
            new[] { Enumerable.Range(1, 10).ToArray(), new[] { 3, 4, 5 } },
            Enumerable.Range(0, 10).Select(_ => ItemAttributes.Empty).ToArray());
        using var sampler = new NegativeSampler(dataset);
        manual_seed(4);
        using var scope = NewDisposeScope();
        var drawn = sampler.Sample(tensor(new long[] { 1, 2, 1 }), 500);
        Assert.Equal(new long[] { 3, 500 }, drawn.shape);
        var first = drawn[0].data<long>().ToArray().Concat(drawn[2].data<long>().ToArray()).ToHashSet();
        Assert.Equal(new long[] { 9, 10 }, first.Order());
        var second = drawn[1].data<long>().ToArray().ToHashSet();
        Assert.DoesNotContain(3L, second);
        // Every other item of 1..10 appears among 500 uniform draws (each is missed with probability (8/9)^500).
        Assert.Equal(new long[] { 1, 2, 4, 5, 6, 7, 8, 9, 10 }, second.Order());
    }

    [Fact]
    public void AUserWhoTrainedOnEveryItemIsRejected()
    {
        var dataset = new PreparedDataset("n", new[] { "a" }, new[] { "x", "y" }, new[] { new[] { 1, 2, 1, 2 } },
            new[] { ItemAttributes.Empty, ItemAttributes.Empty });
        var error = Assert.Throws<ArgumentException>(() => new NegativeSampler(dataset));
        Assert.Contains("'a'", error.Message);
    }

    [Fact]
    public void PopularityNegativesFollowTrainingCountsOverTheItemsTheUserDidNotTrainOn()
    {
        // Training counts (the last two items of each sequence are held out): item 1 x6, item 2 x3, item 3 x1, item 4 x2
        // (user "d" only), item 5 never trained on. User "d" trained on item 4 only, so its negatives are items 1..3 in
        // proportion 6 : 3 : 1 and never 4 or 5.
        int[][] sequences =
        [
            [1, 1, 2, 5, 5], [1, 1, 2, 5, 5], [1, 1, 2, 3, 5, 5], [4, 4, 5, 5],
        ];
        var dataset = new PreparedDataset("p", ["a", "b", "c", "d"], ["i1", "i2", "i3", "i4", "i5"], sequences,
            Enumerable.Range(0, 5).Select(_ => ItemAttributes.Empty).ToArray());
        using var sampler = new NegativeSampler(dataset, NegativeDistribution.Popularity);
        manual_seed(11);
        using var scope = NewDisposeScope();
        const int draws = 20_000;
        var drawn = sampler.Sample(tensor(new long[] { 4 }), draws).data<long>().ToArray();
        var frequency = Enumerable.Range(1, 5).Select(item => drawn.Count(d => d == item) / (double)draws).ToArray();
        Assert.Equal(0, frequency[3]);
        Assert.Equal(0, frequency[4]);
        // Expected 0.6, 0.3, 0.1; the binomial standard deviation is at most 0.0035, so 0.015 is over 4 of them.
        Assert.Equal(0.6, frequency[0], 0.015);
        Assert.Equal(0.3, frequency[1], 0.015);
        Assert.Equal(0.1, frequency[2], 0.015);

        // Uniform negatives of the same user spread over items 1, 2, 3 and 5 equally.
        using var uniform = new NegativeSampler(dataset);
        var uniformDrawn = uniform.Sample(tensor(new long[] { 4 }), draws).data<long>().ToArray();
        foreach (var item in new[] { 1, 2, 3, 5 })
        {
            Assert.Equal(0.25, uniformDrawn.Count(d => d == item) / (double)draws, 0.015);
        }
    }

    [Fact]
    public void TheLossesCarryTheConfiguredDistributionAndTheValidatorRejectsAnUnknownOne()
    {
        using var services = TestServices.Build(("LlmCfsr:Losses:NegativeDistribution", "Popularity"));
        var catalog = services.GetRequiredService<ComponentCatalog>();
        Assert.Equal(NegativeDistribution.Popularity, catalog.RankingLoss("bpr").NegativeDistribution);
        Assert.Equal(NegativeDistribution.Popularity, catalog.RankingLoss("bce").NegativeDistribution);
        Assert.Equal(NegativeDistribution.Uniform, catalog.RankingLoss("sampled-softmax").NegativeDistribution);
        using var defaults = TestServices.Build();
        Assert.Equal(NegativeDistribution.Uniform, defaults.GetRequiredService<ComponentCatalog>().RankingLoss("bpr").NegativeDistribution);

        using var invalid = TestServices.Build(("LlmCfsr:Losses:NegativeDistribution", "7"));
        var error = Assert.Throws<OptionsValidationException>(() => invalid.GetRequiredService<IOptions<RankingLossOptions>>().Value);
        Assert.Contains("LlmCfsr:Losses:NegativeDistribution must be one of Uniform, Popularity (got 7).", error.Message);
    }
}
