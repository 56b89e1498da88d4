using LlmCfsr.Losses;
using LlmCfsr.Data;
using LlmCfsr.Training;
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
}
