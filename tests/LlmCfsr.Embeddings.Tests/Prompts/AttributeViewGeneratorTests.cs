using LlmCfsr.Data;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Prompts;

public sealed class AttributeViewGeneratorTests
{
    private static readonly ItemAttributes FiveAttributes = new(
        Enumerable.Range(1, 5).Select(i => new KeyValuePair<string, string>($"a{i}", $"v{i}")));

    [Fact]
    public void Same_seed_gives_same_views_and_different_seeds_differ()
    {
        var options = new AttributeViewOptions { DropProbability = 0.5, ViewCount = 2 };
        string Draw(int seed)
        {
            var generator = new AttributeViewGenerator(options, seed);
            return string.Join("|", Enumerable.Range(0, 50).SelectMany(_ => generator.RenderViews(FiveAttributes, ItemPromptTemplates.Generic)));
        }

        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void Drop_rate_is_near_r_and_views_are_never_empty()
    {
        const double r = 0.2;
        const int draws = 20_000;
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = r, ViewCount = 1 }, seed: 1);
        long dropped = 0;
        for (int i = 0; i < draws; i++)
        {
            var view = generator.CreateViews(FiveAttributes)[0];
            Assert.NotEqual(0, view.Count);
            dropped += FiveAttributes.Count - view.Count;
        }

        // 100,000 Bernoulli(0.2) drops: standard error sqrt(0.2 * 0.8 / 1e5) = 0.00126. The redraw of
        // all-dropped views lowers the mean by under r^5 = 0.0003, so 4 standard errors (0.005) is a safe band.
        double rate = dropped / (double)(draws * FiveAttributes.Count);
        Assert.InRange(rate, r - 0.005, r + 0.005);
    }

    [Fact]
    public void A_single_attribute_item_keeps_it_even_with_high_drop_probability()
    {
        var item = new ItemAttributes([new("title", "Pen"), new("brand", "  ")]);
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = 0.9, ViewCount = 3 }, seed: 3);
        for (int i = 0; i < 100; i++)
        {
            Assert.All(generator.CreateViews(item), v => Assert.Equal("Pen", v["title"]));
        }
    }

    [Fact]
    public void Without_shuffle_kept_attributes_keep_item_order()
    {
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = 0.4 }, seed: 5);
        for (int i = 0; i < 200; i++)
        {
            foreach (var view in generator.CreateViews(FiveAttributes))
            {
                var order = view.Pairs.Select(p => int.Parse(p.Key[1..])).ToList();
                Assert.Equal(order.Order(), order);
            }
        }
    }

    [Fact]
    public void Shuffle_reorders_attributes()
    {
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = 0, Shuffle = true, ViewCount = 1 }, seed: 9);
        var orders = Enumerable.Range(0, 100)
            .Select(_ => string.Join(",", generator.CreateViews(FiveAttributes)[0].Pairs.Select(p => p.Key)))
            .ToHashSet();

        // With r = 0 every view keeps all 5 attributes; 100 uniform shuffles of 120 orders hit many distinct ones.
        Assert.True(orders.Count > 30, $"only {orders.Count} distinct orders");
        Assert.All(orders, o => Assert.Equal(5, o.Split(',').Length));
    }

    [Fact]
    public void Batch_is_view_major()
    {
        var items = new[] { FiveAttributes, new ItemAttributes([new("title", "Only")]) };
        var generator = new AttributeViewGenerator(new AttributeViewOptions { ViewCount = 2 }, seed: 11);

        var batch = generator.RenderBatch(items, ItemPromptTemplates.Generic);

        Assert.Equal(2, batch.Count);
        Assert.All(batch, view => Assert.Equal(2, view.Count));
        Assert.Equal("The item has following attributes: name is Only.", batch[0][1]);
        Assert.Equal("The item has following attributes: name is Only.", batch[1][1]);
    }

    [Fact]
    public void Views_drop_rendered_pieces_so_an_attribute_the_template_leaves_out_never_fills_a_view()
    {
        // The template renders only the title: the single piece must be in every view, whatever is drawn for the
        // other attributes (dropping raw attributes would give "no known attributes" views about half the time).
        var template = new ItemPromptTemplate("titles", "item", new Dictionary<string, string> { ["title"] = "name" }, ["title"], [], []);
        var item = new ItemAttributes([new("a1", "x"), new("title", "Pen"), new("a2", "y"), new("a3", "z")]);
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = 0.5, ViewCount = 2 }, seed: 13);
        for (int i = 0; i < 200; i++)
        {
            Assert.All(generator.RenderViews(item, template), text => Assert.Equal("The item has following attributes: name is Pen.", text));
        }
    }

    [Fact]
    public void Rendered_views_drop_each_piece_with_probability_r()
    {
        const double r = 0.2;
        const int draws = 20_000;
        var pieces = ItemPromptTemplates.Generic.Pieces(FiveAttributes).Select(p => p.Text).ToArray();
        var generator = new AttributeViewGenerator(new AttributeViewOptions { DropProbability = r, ViewCount = 1 }, seed: 17);
        long kept = 0;
        for (int i = 0; i < draws; i++)
        {
            var text = generator.RenderViews(FiveAttributes, ItemPromptTemplates.Generic)[0];
            int count = pieces.Count(p => text.Contains(p, StringComparison.Ordinal));
            Assert.InRange(count, 1, 5);
            kept += count;
        }

        // Same band as the attribute-level test: 4 standard errors of 100,000 Bernoulli(0.2) drops.
        double rate = 1 - kept / (double)(draws * pieces.Length);
        Assert.InRange(rate, r - 0.005, r + 0.005);
    }

    [Theory]
    [InlineData(1.0, 2)]
    [InlineData(-0.1, 2)]
    [InlineData(0.2, 0)]
    public void Invalid_options_are_refused(double r, int views)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new AttributeViewGenerator(new AttributeViewOptions { DropProbability = r, ViewCount = views }, 0));
}
