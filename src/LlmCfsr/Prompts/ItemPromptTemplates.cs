namespace LlmCfsr.Prompts;

/// <summary>
/// The item prompt templates of LLM-ESR / LLMEmb / LLM-CFSR for Yelp, Fashion and Beauty, and a generic one
/// for any attribute set. Their wording follows the papers' data-preparation code ("The beauty item has
/// following attributes: name is ...; brand is ...; price is ...").
/// </summary>
public static class ItemPromptTemplates
{
    private static readonly string[] FeatureNames = ["categories", "category", "features"];
    private static readonly string[] DescriptionNames = ["description", "descriptions"];

    /// <summary>Amazon Beauty: name, brand, price, then categories as features and the description.</summary>
    public static ItemPromptTemplate Beauty { get; } = Amazon("beauty", "beauty item", FeatureNames, DescriptionNames);

    /// <summary>Amazon Fashion: name, brand and price only, as in LLM-ESR's Fashion preparation.</summary>
    public static ItemPromptTemplate Fashion { get; } = Amazon("fashion", "fashion item", [], []);

    /// <summary>
    /// Yelp businesses: "The point of interest has following attributes: name is ...; category is ...; type
    /// is ...; open status is ...; review count is ...; city is ...; average score is ...".
    /// </summary>
    public static ItemPromptTemplate Yelp { get; } = new(
        "yelp",
        "point of interest",
        new Dictionary<string, string>
        {
            ["name"] = "name",
            ["categories"] = "category",
            ["category"] = "category",
            ["type"] = "type",
            ["is_open"] = "open status",
            ["review_count"] = "review count",
            ["city"] = "city",
            ["stars"] = "average score",
        },
        ["name", "categories", "category", "type", "is_open", "review_count", "city", "stars"],
        [],
        []);

    /// <summary>
    /// Any attribute set: every attribute in the item's order, title/name as "name", underscores as spaces;
    /// categories become the features sentence and the description the descriptions sentence.
    /// </summary>
    public static ItemPromptTemplate Generic { get; } = CreateGeneric("item");

    /// <summary>The generic template with its own subject, e.g. "office item".</summary>
    public static ItemPromptTemplate CreateGeneric(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return new ItemPromptTemplate(
            subject == "item" ? "generic" : $"generic:{subject}",
            subject,
            new Dictionary<string, string> { ["title"] = "name", ["name"] = "name" },
            attributeNames: null,
            FeatureNames,
            DescriptionNames);
    }

    /// <summary>Names accepted by <see cref="ByName"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["beauty", "fashion", "yelp", "generic"];

    /// <summary>
    /// The template called <paramref name="name"/> (case-insensitive): one of <see cref="Names"/>. Throws,
    /// listing the known names, for anything else.
    /// </summary>
    public static ItemPromptTemplate ByName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "beauty" => Beauty,
            "fashion" => Fashion,
            "yelp" => Yelp,
            "generic" => Generic,
            _ => throw new ArgumentException($"Unknown prompt template '{name}'. Known: {string.Join(", ", Names)}.", nameof(name)),
        };
    }

    /// <summary>
    /// The template for a prepared dataset's <paramref name="datasetName"/>: the dataset's own template when
    /// its name is one of <see cref="Names"/> (e.g. "beauty"), otherwise the generic template with the
    /// subject "&lt;dataset&gt; item" (e.g. "office item").
    /// </summary>
    public static ItemPromptTemplate ForDataset(string datasetName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetName);
        var key = datasetName.Trim().ToLowerInvariant();
        return key switch
        {
            "beauty" => Beauty,
            "fashion" => Fashion,
            "yelp" => Yelp,
            _ => CreateGeneric($"{key} item"),
        };
    }

    private static ItemPromptTemplate Amazon(string name, string subject, string[] features, string[] descriptions) => new(
        name,
        subject,
        new Dictionary<string, string> { ["title"] = "name", ["brand"] = "brand", ["price"] = "price" },
        ["title", "brand", "price"],
        features,
        descriptions);
}
