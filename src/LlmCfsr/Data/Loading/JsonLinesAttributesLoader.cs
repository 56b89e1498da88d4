namespace LlmCfsr.Data.Loading;

/// <summary>Item attributes from JSON lines: one object per line holding the item id field and the attributes.</summary>
internal static class JsonLinesAttributesLoader
{
    public static readonly string[] IdFields = ["item_id", "item", "id", "asin", "business_id"];

    public static void Load(string path, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(path);
        foreach (var (line, text) in DataFileReader.Lines(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropAttributeRecord("blank line");
                continue;
            }
            using var document = JsonAttributes.ParseLine(text, path, line);
            var record = document.RootElement;
            string? field = record.ValueKind == System.Text.Json.JsonValueKind.Object
                ? IdFields.FirstOrDefault(f => record.TryGetProperty(f, out _))
                : null;
            if (field is null)
            {
                throw DataFileReader.Error(path, line, $"no item id field (one of {string.Join(", ", IdFields)}).");
            }
            builder.AddAttributes(JsonAttributes.RequiredId(record, field, path, line), JsonAttributes.AllExcept(record, field));
        }
    }
}
