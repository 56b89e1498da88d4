using System.Text.Json;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// <c>*.inter.json</c> (object: user id -> array of item ids, oldest first) and optional <c>*.item.json</c>
/// (object: item id -> object of attributes). Both are whole UTF-8 JSON documents, parsed in one piece; a user key
/// that appears twice is refused (a JSON reader would otherwise keep one of the two sequences or join them).
/// </summary>
internal static class JsonSequencesLoader
{
    public static void Load(string interactionsPath, string? itemsPath, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(interactionsPath);
        using (var document = Parse(interactionsPath))
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw DataFileReader.Error(interactionsPath, 1, "expected an object mapping user ids to arrays of item ids.");
            }
            var users = new HashSet<string>(StringComparer.Ordinal);
            foreach (var user in document.RootElement.EnumerateObject())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!users.Add(user.Name))
                {
                    throw new InvalidDataException($"{interactionsPath}: user '{user.Name}' is a key twice; each user's sequence must be listed once.");
                }
                if (user.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{interactionsPath}: user '{user.Name}': expected an array of item ids, found {user.Value.ValueKind}.");
                }
                int position = 0;
                foreach (var item in user.Value.EnumerateArray())
                {
                    builder.Report.RecordsRead++;
                    if (item.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    {
                        throw new InvalidDataException($"{interactionsPath}: user '{user.Name}', position {position}: item id must be a string or number, found {item.ValueKind}.");
                    }
                    builder.Add(user.Name, item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText(), null);
                    position++;
                }
            }
        }

        if (itemsPath is null)
        {
            return;
        }
        builder.Report.AddFile(itemsPath);
        using var items = Parse(itemsPath);
        if (items.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw DataFileReader.Error(itemsPath, 1, "expected an object mapping item ids to attribute objects.");
        }
        foreach (var item in items.RootElement.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{itemsPath}: item '{item.Name}': expected an object of attributes, found {item.Value.ValueKind}.");
            }
            builder.AddAttributes(item.Name, JsonAttributes.AllExcept(item.Value));
        }
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(DataFileReader.ReadUtf8Document(path));
        }
        catch (JsonException e)
        {
            throw DataFileReader.Error(path, (e.LineNumber ?? 0) + 1, $"malformed JSON: {e.Message}", e);
        }
    }
}
