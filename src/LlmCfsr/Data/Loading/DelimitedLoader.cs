namespace LlmCfsr.Data.Loading;

/// <summary>
/// CSV or TSV interactions (delimiter from the extension) with a header naming the user, item and optional
/// timestamp columns (e.g. user_id,item_id,timestamp); attributes from <c>items.jsonl</c> or a CSV/TSV whose
/// header names the item id column followed by attribute columns.
/// </summary>
internal static class DelimitedLoader
{
    private static readonly string[] UserNames = ["user", "user_id", "userid", "uid", "reviewerid"];
    private static readonly string[] ItemNames = ["item", "item_id", "itemid", "iid", "asin", "business_id", "movie_id", "movieid"];
    private static readonly string[] TimeNames = ["timestamp", "time", "ts", "unixreviewtime", "date", "datetime"];

    public static char DelimiterOf(string path) =>
        path.EndsWith(".tsv", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tsv.gz", StringComparison.OrdinalIgnoreCase) ? '\t' : ',';

    public static void Load(string interactionsPath, string? itemsPath, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(interactionsPath);
        char delimiter = DelimiterOf(interactionsPath);
        List<string>? header = null;
        int userColumn = -1, itemColumn = -1, timeColumn = -1;
        foreach (var (line, text) in DataFileReader.Lines(interactionsPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (header is null)
            {
                header = DelimitedLine.Split(text, delimiter, interactionsPath, line);
                userColumn = Find(header, UserNames);
                itemColumn = Find(header, ItemNames);
                timeColumn = Find(header, TimeNames);
                if (userColumn < 0 || itemColumn < 0)
                {
                    throw DataFileReader.Error(interactionsPath, line, $"the header must name a user column ({string.Join("/", UserNames)}) and an item column ({string.Join("/", ItemNames)}); found {string.Join(", ", header)}.");
                }
                continue;
            }
            builder.Report.RecordsRead++;
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropRecord("blank line");
                continue;
            }
            var fields = DelimitedLine.Split(text, delimiter, interactionsPath, line);
            if (fields.Count != header.Count)
            {
                throw DataFileReader.Error(interactionsPath, line, $"{fields.Count} fields, the header has {header.Count}.");
            }
            string user = fields[userColumn].Trim(), item = fields[itemColumn].Trim();
            if (user.Length == 0 || item.Length == 0)
            {
                throw DataFileReader.Error(interactionsPath, line, $"field '{header[user.Length == 0 ? userColumn : itemColumn]}' is empty.");
            }
            double? time = timeColumn < 0 ? null : TimestampParser.Parse(fields[timeColumn].Trim(), header[timeColumn], interactionsPath, line);
            builder.Add(user, item, time);
        }
        if (header is null)
        {
            throw DataFileReader.Error(interactionsPath, 1, "the file is empty; expected a header line.");
        }

        if (itemsPath is null)
        {
            return;
        }
        if (itemsPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || itemsPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            JsonLinesAttributesLoader.Load(itemsPath, builder, cancellationToken);
            return;
        }
        LoadDelimitedAttributes(itemsPath, builder, cancellationToken);
    }

    private static void LoadDelimitedAttributes(string path, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(path);
        char delimiter = DelimiterOf(path);
        List<string>? header = null;
        int idColumn = -1;
        foreach (var (line, text) in DataFileReader.Lines(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (header is null)
            {
                header = DelimitedLine.Split(text, delimiter, path, line);
                idColumn = Find(header, ItemNames);
                if (idColumn < 0)
                {
                    throw DataFileReader.Error(path, line, $"the header must name an item column ({string.Join("/", ItemNames)}); found {string.Join(", ", header)}.");
                }
                continue;
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.DropAttributeRecord("blank line");
                continue;
            }
            var fields = DelimitedLine.Split(text, delimiter, path, line);
            if (fields.Count != header.Count)
            {
                throw DataFileReader.Error(path, line, $"{fields.Count} fields, the header has {header.Count}.");
            }
            var pairs = new List<KeyValuePair<string, string>>(header.Count - 1);
            for (int c = 0; c < header.Count; c++)
            {
                if (c != idColumn && !string.IsNullOrWhiteSpace(header[c]))
                {
                    pairs.Add(new KeyValuePair<string, string>(header[c].Trim(), fields[c]));
                }
            }
            builder.AddAttributes(fields[idColumn].Trim(), pairs);
        }
    }

    private static int Find(List<string> header, string[] names) =>
        header.FindIndex(h => Array.IndexOf(names, h.Trim().ToLowerInvariant()) >= 0);
}
