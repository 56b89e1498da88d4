using System.Globalization;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Yelp Open Dataset: <c>review.json</c> (JSON lines with user_id, business_id, date "yyyy-MM-dd HH:mm:ss") and
/// optional <c>business.json</c> (attributes name, categories, city, state).
/// </summary>
internal static class YelpLoader
{
    public static void Load(string reviewsPath, string? businessPath, InteractionLogBuilder builder, CancellationToken cancellationToken)
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
            string user = JsonAttributes.RequiredId(review, "user_id", reviewsPath, line);
            string item = JsonAttributes.RequiredId(review, "business_id", reviewsPath, line);
            if (!review.TryGetProperty("date", out var date) || date.ValueKind != System.Text.Json.JsonValueKind.String
                || !DateTime.TryParse(date.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
            {
                throw DataFileReader.Error(reviewsPath, line, "field 'date' is missing or not a date.");
            }
            builder.Add(user, item, (when - DateTime.UnixEpoch).TotalSeconds);
        }

        if (businessPath is null)
        {
            return;
        }
        builder.Report.AddFile(businessPath);
        foreach (var (line, text) in DataFileReader.Lines(businessPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropAttributeRecord("blank line");
                continue;
            }
            using var document = JsonAttributes.ParseLine(text, businessPath, line);
            var business = document.RootElement;
            string item = JsonAttributes.RequiredId(business, "business_id", businessPath, line);
            builder.AddAttributes(item, JsonAttributes.Select(business, ("name", "name"), ("categories", "categories"), ("city", "city"), ("state", "state")));
        }
    }
}
