namespace LlmCfsr.Prompts;

/// <summary>
/// The built-in item prompt templates. Every one renders the LLM-CFSR paper's prompt, "The &lt;subject&gt; has
/// following attributes: name is ...; brand is ...; category is ...; rating is ...; price is ...; feature is ...;
/// description is ...", with one "label is value" piece per attribute the item carries, in that order (attributes
/// the paper does not name come between price and feature, in the item's order). They differ only in the subject.
/// </summary>
public static class ItemPromptTemplates
{
    private static readonly Dictionary<string, string> Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["title"] = "name",
        ["name"] = "name",
        ["categories"] = "category",
        ["category"] = "category",
        ["stars"] = "rating",
        ["features"] = "feature",
        ["descriptions"] = "description",
        ["is_open"] = "open status",
    };

    private static readonly string[] First = ["title", "name", "brand", "categories", "category", "stars", "rating", "price"];
    private static readonly string[] Last = ["feature", "features", "description", "descriptions"];

    /// <summary>Amazon Beauty: "The beauty item has following attributes: ...".</summary>
    public static ItemPromptTemplate Beauty { get; } = Create("beauty", "beauty item");

    /// <summary>Amazon Fashion: "The fashion item has following attributes: ...".</summary>
    public static ItemPromptTemplate Fashion { get; } = Create("fashion", "fashion item");

    /// <summary>Yelp businesses: "The point of interest has following attributes: name is ...; category is ...; rating is ...; ...".</summary>
    public static ItemPromptTemplate Yelp { get; } = Create("yelp", "point of interest");

    /// <summary>Any attribute set, subject "item".</summary>
    public static ItemPromptTemplate Generic { get; } = CreateGeneric("item");

    /// <summary>The generic template with its own subject, e.g. "office item".</summary>
    public static ItemPromptTemplate CreateGeneric(string subject)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return Create(subject == "item" ? "generic" : $"generic:{subject}", subject);
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

    private static ItemPromptTemplate Create(string name, string subject)
        => new(name, subject, Labels, attributeNames: null, featureNames: [], descriptionNames: [], First, Last);
}
