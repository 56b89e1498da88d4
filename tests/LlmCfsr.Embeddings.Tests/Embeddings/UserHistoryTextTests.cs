using LlmCfsr.Data;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

public sealed class UserHistoryTextTests
{
    private static ItemAttributes Item(params (string Name, string Value)[] pairs)
        => new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    [Fact]
    public void Histories_use_each_items_display_name_whichever_attribute_holds_it()
    {
        // Yelp businesses carry "name", Amazon products "title", MovieLens "movie_title"; only item 4 has no name.
        var dataset = new PreparedDataset(
            "mixed",
            ["u1"],
            ["B1", "A1", "M1", "X1", "T1", "T2"],
            [[1, 2, 3, 4, 5, 6]],
            [
                Item(("name", "Joe's Diner"), ("city", "Tucson")),
                Item(("title", " "), ("name", "Rose Lip Balm")),
                Item(("movie_title", "Heat")),
                Item(("brand", "Bic")),
                Item(("title", "Validation item")),
                Item(("title", "Test item")),
            ]);

        Assert.Equal("Purchased: Joe's Diner; Rose Lip Balm; Heat; X1", UserHistoryText.Render(dataset, 1));
        Assert.Equal("Purchased: Heat; X1", UserHistoryText.Render(dataset, 1, maxItems: 2));
    }
}
