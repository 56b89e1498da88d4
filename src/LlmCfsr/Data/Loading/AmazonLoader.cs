using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Amazon review dumps. 2014: <c>reviews_Cat.json.gz</c> (strict JSON lines) + <c>meta_Cat.json.gz</c> (Python
/// literals). 2018: <c>Cat.json.gz</c> + <c>meta_Cat.json.gz</c> (JSON lines). Interactions are
/// (reviewerID, asin, unixReviewTime); attributes are title, brand, categories and description.
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
            builder.AddAttributes(item, JsonAttributes.Select(meta, ("title", "title"), ("brand", "brand"), ("categories", "categories"), ("category", "categories"), ("description", "description")));
        }
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
