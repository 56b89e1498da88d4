namespace LlmCfsr.Data.Loading;

/// <summary>
/// RecBole atomic files: <c>*.inter</c> and optional <c>*.item</c>, tab-separated with a typed header
/// ("user_id:token	item_id:token	rating:float	timestamp:float"). Interactions use user_id, item_id and
/// (when present) timestamp; every other .item column (e.g. movie_title:token_seq) becomes an attribute named
/// without its type.
/// </summary>
internal static class RecBoleLoader
{
    private static readonly string[] KnownTypes = ["token", "token_seq", "float", "float_seq"];

    public static void Load(string interPath, string? itemPath, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(interPath);
        string[]? header = null;
        int userColumn = -1, itemColumn = -1, timeColumn = -1;
        foreach (var (line, text) in DataFileReader.Lines(interPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (header is null)
            {
                header = ParseHeader(text, interPath, line);
                userColumn = Column(header, "user_id", interPath, required: true);
                itemColumn = Column(header, "item_id", interPath, required: true);
                timeColumn = Column(header, "timestamp", interPath, required: false);
                continue;
            }
            builder.Report.RecordsRead++;
            if (text.Length == 0)
            {
                builder.Report.DropRecord("blank line");
                continue;
            }
            var fields = text.Split('\t');
            if (fields.Length != header.Length)
            {
                throw DataFileReader.Error(interPath, line, $"{fields.Length} fields, the header has {header.Length}.");
            }
            string user = fields[userColumn], item = fields[itemColumn];
            if (user.Length == 0 || item.Length == 0)
            {
                throw DataFileReader.Error(interPath, line, $"field '{(user.Length == 0 ? "user_id" : "item_id")}' is empty.");
            }
            double? time = timeColumn < 0 ? null : TimestampParser.Parse(fields[timeColumn], "timestamp", interPath, line);
            builder.Add(user, item, time);
        }
        if (header is null)
        {
            throw DataFileReader.Error(interPath, 1, "the file is empty; expected a typed header line.");
        }

        if (itemPath is null)
        {
            return;
        }
        builder.Report.AddFile(itemPath);
        header = null;
        int idColumn = -1;
        foreach (var (line, text) in DataFileReader.Lines(itemPath))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (header is null)
            {
                header = ParseHeader(text, itemPath, line);
                idColumn = Column(header, "item_id", itemPath, required: true);
                continue;
            }
            if (text.Length == 0)
            {
                builder.Report.DropAttributeRecord("blank line");
                continue;
            }
            var fields = text.Split('\t');
            if (fields.Length != header.Length)
            {
                throw DataFileReader.Error(itemPath, line, $"{fields.Length} fields, the header has {header.Length}.");
            }
            var pairs = new List<KeyValuePair<string, string>>(header.Length - 1);
            for (int c = 0; c < header.Length; c++)
            {
                if (c != idColumn)
                {
                    pairs.Add(new KeyValuePair<string, string>(header[c], fields[c]));
                }
            }
            builder.AddAttributes(fields[idColumn], pairs);
        }
    }

    /// <summary>Field names without their ":type" suffix; every field must be typed with a RecBole type.</summary>
    private static string[] ParseHeader(string text, string path, long line)
    {
        var fields = text.Split('\t');
        var names = new string[fields.Length];
        for (int c = 0; c < fields.Length; c++)
        {
            int colon = fields[c].LastIndexOf(':');
            if (colon <= 0 || Array.IndexOf(KnownTypes, fields[c][(colon + 1)..]) < 0)
            {
                throw DataFileReader.Error(path, line, $"header field '{fields[c]}' must be 'name:type' with type one of {string.Join(", ", KnownTypes)}.");
            }
            names[c] = fields[c][..colon];
        }
        return names;
    }

    private static int Column(string[] header, string name, string path, bool required)
    {
        int column = Array.IndexOf(header, name);
        if (column < 0 && required)
        {
            throw DataFileReader.Error(path, 1, $"the header has no '{name}' field (found {string.Join(", ", header)}).");
        }
        return column;
    }
}
