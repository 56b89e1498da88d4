using System.Globalization;
using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Amazon review dumps. 2014: <c>reviews_Cat.json.gz</c> (strict JSON lines) + <c>meta_Cat.json.gz</c> (Python
/// literals). 2018: <c>Cat.json.gz</c> + <c>meta_Cat.json.gz</c> (JSON lines). Interactions are
/// (reviewerID, asin, unixReviewTime); attributes are every text field of the metadata, in the paper's prompt
/// order: title, brand, categories (2014 nested lists flattened, repeats removed; 2018 <c>category</c>), price,
/// sales_rank (2014 <c>salesRank</c> {"Cat": 12} as "12 in Cat"; 2018 <c>rank</c>), feature and description.
/// </summary>
internal static class AmazonLoader
{
    public static void Load(string reviewsPath, string? metaPath, bool pythonMeta, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(reviewsPath);
        foreach (var (line, text) in DataFileReader.Lines(reviewsPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            builder.Report.RecordsRead++;
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropRecord("blank line");
                continue;
            }
            using var document = JsonAttributes.ParseLine(text, reviewsPath, line);
            var review = document.RootElement;
            string user = JsonAttributes.RequiredId(review, "reviewerID", reviewsPath, line);
            string item = JsonAttributes.RequiredId(review, "asin", reviewsPath, line);
            if (!review.TryGetProperty("unixReviewTime", out var time) || !time.TryGetDouble(out double timestamp))
            {
                throw DataFileReader.Error(reviewsPath, line, "field 'unixReviewTime' is missing or not a number.");
            }
            builder.Add(user, item, timestamp);
        }

        if (metaPath is null)
        {
            return;
        }
        builder.Report.AddFile(metaPath);
        foreach (var (line, text) in DataFileReader.Lines(metaPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropAttributeRecord("blank line");
                continue;
            }
            using var document = pythonMeta ? ParsePython(text, metaPath, line) : JsonAttributes.ParseLine(text, metaPath, line);
            var meta = document.RootElement;
            string item = JsonAttributes.RequiredId(meta, "asin", metaPath, line);
            builder.AddAttributes(item, Attributes(meta));
        }
    }

    private static List<KeyValuePair<string, string>> Attributes(JsonElement meta)
    {
        var pairs = JsonAttributes.Select(meta, ("title", "title"), ("brand", "brand"));
        foreach (var field in (ReadOnlySpan<string>)["categories", "category"])
        {
            if (meta.TryGetProperty(field, out var categories) && Categories(categories) is { Length: > 0 } text)
            {
                pairs.Add(new("categories", text));
                break;
            }
        }
        // 2018 metadata sometimes holds page CSS instead of a price; only a value with a digit is a price.
        if (JsonAttributes.Select(meta, ("price", "price")) is [var price] && price.Value.Any(char.IsAsciiDigit) && !price.Value.Contains('{'))
        {
            pairs.Add(price);
        }
        if (SalesRank(meta) is { Length: > 0 } rank)
        {
            pairs.Add(new("sales_rank", rank));
        }
        pairs.AddRange(JsonAttributes.Select(meta, ("feature", "feature"), ("description", "description")));
        return pairs;
    }

    /// <summary>The category names of a (possibly nested) list, flattened, each once, in first-seen order.</summary>
    private static string Categories(JsonElement value)
    {
        var names = new List<string>();
        void Collect(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var child in element.EnumerateArray())
                {
                    Collect(child);
                }
            }
            else if (JsonAttributes.ToText(element) is { Length: > 0 } name && !names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }
        Collect(value);
        return string.Join(", ", names);
    }

    /// <summary>2014 <c>salesRank</c> {"Office Products": 1234} as "1234 in Office Products"; 2018 <c>rank</c> "1,234 in Office Products (" (or a list of them) without the dangling parenthesis.</summary>
    private static string? SalesRank(JsonElement meta)
    {
        if (meta.TryGetProperty("salesRank", out var salesRank) && salesRank.ValueKind == JsonValueKind.Object)
        {
            return string.Join(", ", salesRank.EnumerateObject()
                .Where(p => p.Value.ValueKind == JsonValueKind.Number)
                .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Value.GetRawText()} in {p.Name}")));
        }
        if (meta.TryGetProperty("rank", out var rank))
        {
            var parts = rank.ValueKind == JsonValueKind.Array ? rank.EnumerateArray().ToArray() : [rank];
            return string.Join(", ", parts
                .Select(p => JsonAttributes.ToText(p)?.Trim().TrimStart('>', '#').TrimEnd('(', ' '))
                .Where(t => !string.IsNullOrEmpty(t)));
        }
        return null;
    }

    private static JsonDocument ParsePython(string text, string path, long line)
    {
        try
        {
            return PythonLiteral.Parse(text);
        }
        catch (FormatException e)
        {
            throw DataFileReader.Error(path, line, $"malformed Python literal: {e.Message}", e);
        }
    }
}
