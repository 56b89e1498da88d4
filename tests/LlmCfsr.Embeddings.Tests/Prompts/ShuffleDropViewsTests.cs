using LlmCfsr.Data;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Prompts;

public sealed class ShuffleDropViewsTests
{
    private static ItemAttributes Attributes(int count) => new(
        Enumerable.Range(1, count).Select(i => new KeyValuePair<string, string>($"a{i}", $"v{i}")));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 2)]
    [InlineData(5, 3)]
    [InlineData(10, 6)]
    public void EachViewKeepsKMinusFloorFourTenthsOfKDistinctAttributes(int attributes, int kept)
    {
        var views = new ShuffleDropViews(seed: 3);
        var item = Attributes(attributes);
        for (int draw = 0; draw < 50; draw++)
        {
            var (first, second) = views.CreatePair(item);
            foreach (var view in new[] { first, second })
            {
                Assert.Equal(kept, view.Count);
                Assert.Equal(kept, view.Pairs.Select(p => p.Key).Distinct().Count());
                Assert.All(view.Pairs, p => Assert.Contains(p, item.Pairs));
            }
        }
    }

    [Fact]
    public void ViewsAreShuffledIndependentlyAndSeeded()
    {
        var item = Attributes(5);
        string Draw(int seed)
        {
            var views = new ShuffleDropViews(seed);
            return string.Join("|", Enumerable.Range(0, 40).Select(_ => views.CreatePair(item)).Select(p => string.Join(",", p.First.Pairs.Select(a => a.Key)) + "/" + string.Join(",", p.Second.Pairs.Select(a => a.Key))));
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
        var generator = new ShuffleDropViews(seed: 1);
        var pairs = Enumerable.Range(0, 200).Select(_ => generator.CreatePair(item)).ToArray();
        // Independent shuffles: the two views differ in most draws, and every attribute is dropped sometimes.
        Assert.True(pairs.Count(p => !p.First.Pairs.SequenceEqual(p.Second.Pairs)) > 150);
        Assert.All(item.Pairs, a => Assert.Contains(pairs, p => !p.First.Pairs.Contains(a)));
    }

    [Fact]
    public void AttributesWithoutTextAreNeverInAView()
    {
        var item = new ItemAttributes([new("title", "Pen"), new("brand", " "), new("color", "blue"), new("size", "")]);
        var (first, second) = new ShuffleDropViews(seed: 2).CreatePair(item);
        // K = 2 attributes with text, floor(0.8) = 0 dropped.
        Assert.Equal(["color", "title"], first.Pairs.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(2, second.Count);
    }
}
