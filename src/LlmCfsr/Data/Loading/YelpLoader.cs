using System.Globalization;
using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Yelp Open Dataset: <c>review.json</c> (JSON lines with user_id, business_id, date "yyyy-MM-dd HH:mm:ss") and
/// optional <c>business.json</c>, whose attributes are name, categories, stars, price (from
/// <c>attributes.RestaurantsPriceRange2</c>, 1-4 as "$".."$$$$"), city, state, review_count and status
/// (<c>is_open</c> 1/0 as "open"/"closed").
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
            if (!review.TryGetProperty("date", out var date) || date.ValueKind != JsonValueKind.String
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
            builder.AddAttributes(item, Attributes(business));
        }
    }

    private static List<KeyValuePair<string, string>> Attributes(JsonElement business)
    {
        var pairs = JsonAttributes.Select(business, ("name", "name"), ("categories", "categories"), ("stars", "stars"));
        if (business.TryGetProperty("attributes", out var attributes) && attributes.ValueKind == JsonValueKind.Object
            && attributes.TryGetProperty("RestaurantsPriceRange2", out var range)
            && int.TryParse(JsonAttributes.ToText(range), NumberStyles.None, CultureInfo.InvariantCulture, out int level) && level is >= 1 and <= 4)
        {
            pairs.Add(new("price", new string('$', level)));
        }
        pairs.AddRange(JsonAttributes.Select(business, ("city", "city"), ("state", "state"), ("review_count", "review_count")));
        if (business.TryGetProperty("is_open", out var open) && open.ValueKind == JsonValueKind.Number && open.TryGetInt32(out int flag) && flag is 0 or 1)
        {
            pairs.Add(new("status", flag == 1 ? "open" : "closed"));
        }
        return pairs;
    }
}
