using LlmCfsr.Data;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Prompts;

public sealed class ItemPromptTemplateTests
{
    private static ItemAttributes Item(params (string Name, string Value)[] pairs)
        => new(pairs.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)));

    [Fact]
    public void Beauty_renders_the_papers_prompt_with_one_piece_per_attribute_in_the_papers_order()
    {
        var item = Item(("description", "Soothes  dry\nlips."), ("title", "Rose Lip Balm"), ("sales_rank", "12 in Beauty"),
            ("feature", "Beeswax, Rose oil"), ("price", "4.99"), ("categories", "Beauty, Skin Care, Lips"), ("brand", "Burt's Bees"));

        Assert.Equal(
            "The beauty item has following attributes: name is Rose Lip Balm; brand is Burt's Bees; category is Beauty, Skin Care, Lips; "
            + "price is 4.99; sales rank is 12 in Beauty; feature is Beeswax, Rose oil; description is Soothes dry lips.",
            ItemPromptTemplates.Beauty.Render(item));
    }

    [Fact]
    public void Fashion_renders_every_attribute_it_carries()
    {
        var item = Item(("brand", "Levi's"), ("title", "501 Jeans"), ("categories", "Clothing"), ("price", "59"));

        Assert.Equal(
            "The fashion item has following attributes: name is 501 Jeans; brand is Levi's; category is Clothing; price is 59.",
            ItemPromptTemplates.Fashion.Render(item));
    }

    [Fact]
    public void Yelp_renders_every_business_field_with_stars_as_rating()
    {
        var item = Item(("name", "Joe's Diner"), ("categories", "Diners, Breakfast"), ("city", "Tucson"), ("state", "AZ"),
            ("stars", "4.5"), ("review_count", "42"), ("price", "$$"), ("status", "open"));

        Assert.Equal(
            "The point of interest has following attributes: name is Joe's Diner; category is Diners, Breakfast; rating is 4.5; "
            + "price is $$; city is Tucson; state is AZ; review count is 42; status is open.",
            ItemPromptTemplates.Yelp.Render(item));
    }

    [Fact]
    public void Generic_renders_every_attribute_and_skips_blank_values()
    {
        var item = Item(("title", "Stapler"), ("description", ""), ("brand", "Swingline"), ("page_count", "12"),
            ("categories", "Office Products, Staplers"));

        Assert.Equal(
            "The office item has following attributes: name is Stapler; brand is Swingline; category is Office Products, Staplers; page count is 12.",
            ItemPromptTemplates.ForDataset("office").Render(item));
    }

    [Fact]
    public void Pieces_are_the_rendered_attributes_and_compose_back_into_the_text()
    {
        var item = Item(("description", "A pen."), ("title", "Pen"), ("colour", " "), ("brand", "Bic"));
        var pieces = ItemPromptTemplates.Generic.Pieces(item);

        Assert.Equal(["name is Pen", "brand is Bic", "description is A pen"], pieces.Select(p => p.Text));
        Assert.Equal(["title", "brand", "description"], pieces.Select(p => p.Attribute));
        Assert.Equal(ItemPromptTemplates.Generic.Render(item), ItemPromptTemplates.Generic.Compose(pieces));
        Assert.Equal("The item has following attributes: description is A pen.", ItemPromptTemplates.Generic.Compose([pieces[2]]));
    }

    [Fact]
    public void Custom_templates_can_keep_the_features_and_descriptions_sentences()
    {
        var template = new ItemPromptTemplate("esr", "beauty item", new Dictionary<string, string> { ["title"] = "name" },
            ["title", "brand"], ["categories"], ["description"]);
        var item = Item(("title", "Balm"), ("categories", "Lips"), ("description", "Soft."), ("brand", "B"), ("size", "1 oz"));

        Assert.Equal(
            "The beauty item has following attributes: name is Balm; brand is B. The item has following features: Lips. The item has following descriptions: Soft.",
            template.Render(item));
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
