using LlmCfsr.Data;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Prompts;

public sealed class ItemPromptTemplateTests
{
    private static ItemAttributes Item(params (string Name, string Value)[] pairs)
        => new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    [Fact]
    public void Beauty_renders_the_papers_wording()
    {
        var item = Item(("title", "Rose Lip Balm"), ("brand", "Burt's Bees"), ("price", "4.99"),
            ("categories", "Beauty, Skin Care, Lips"), ("description", "Soothes  dry\nlips."));

        Assert.Equal(
            "The beauty item has following attributes: name is Rose Lip Balm; brand is Burt's Bees; price is 4.99. "
            + "The item has following features: Beauty, Skin Care, Lips. "
            + "The item has following descriptions: Soothes dry lips.",
            ItemPromptTemplates.Beauty.Render(item));
    }

    [Fact]
    public void Fashion_keeps_name_brand_and_price_only()
    {
        var item = Item(("brand", "Levi's"), ("title", "501 Jeans"), ("categories", "Clothing"), ("price", "59"));

        Assert.Equal(
            "The fashion item has following attributes: brand is Levi's; name is 501 Jeans; price is 59.",
            ItemPromptTemplates.Fashion.Render(item));
    }

    [Fact]
    public void Yelp_maps_business_fields_to_their_labels()
    {
        var item = Item(("name", "Joe's Diner"), ("categories", "Diners, Breakfast"), ("is_open", "1"),
            ("review_count", "42"), ("city", "Tucson"), ("stars", "4.5"), ("postal_code", "85701"));

        Assert.Equal(
            "The point of interest has following attributes: name is Joe's Diner; category is Diners, Breakfast; "
            + "open status is 1; review count is 42; city is Tucson; average score is 4.5.",
            ItemPromptTemplates.Yelp.Render(item));
    }

    [Fact]
    public void Generic_renders_every_attribute_and_skips_blank_values()
    {
        var item = Item(("title", "Stapler"), ("description", ""), ("brand", "Swingline"), ("page_count", "12"),
            ("categories", "Office Products, Staplers"));

        Assert.Equal(
            "The office item has following attributes: name is Stapler; brand is Swingline; page count is 12. "
            + "The item has following features: Office Products, Staplers.",
            ItemPromptTemplates.ForDataset("office").Render(item));
    }

    [Fact]
    public void An_item_without_text_gets_a_fixed_sentence()
        => Assert.Equal("The item has no known attributes.", ItemPromptTemplates.Generic.Render(ItemAttributes.Empty));

    [Fact]
    public void Templates_have_distinct_stable_fingerprints()
    {
        var fingerprints = new[] { ItemPromptTemplates.Beauty, ItemPromptTemplates.Fashion, ItemPromptTemplates.Yelp, ItemPromptTemplates.Generic }
            .Select(t => t.Fingerprint).ToList();
        Assert.Equal(fingerprints.Count, fingerprints.Distinct().Count());
        Assert.Equal(ItemPromptTemplates.CreateGeneric("office item").Fingerprint, ItemPromptTemplates.ForDataset("Office").Fingerprint);
        Assert.StartsWith("beauty@", ItemPromptTemplates.Beauty.Fingerprint);
    }

    [Fact]
    public void Unknown_template_name_lists_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => ItemPromptTemplates.ByName("books"));
        Assert.Contains("beauty, fashion, yelp, generic", error.Message);
        Assert.Same(ItemPromptTemplates.Yelp, ItemPromptTemplates.ByName(" YELP "));
    }
}
