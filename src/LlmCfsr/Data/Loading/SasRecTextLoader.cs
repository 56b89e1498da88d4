namespace LlmCfsr.Data.Loading;

/// <summary>
/// SASRec text formats, whitespace-separated and already in time order: "user item" per line (pairs) or
/// "user i1 i2 ..." per line (sequences; LLM-ESR). Optional attributes from a sibling items file.
/// </summary>
internal static class SasRecTextLoader
{
    public static void Load(string path, bool sequences, InteractionLogBuilder builder, CancellationToken cancellationToken)
    {
        builder.Report.AddFile(path);
        foreach (var (line, text) in DataFileReader.Lines(path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (string.IsNullOrWhiteSpace(text))
            {
                builder.Report.RecordsRead++;
                builder.Report.DropRecord("blank line");
                continue;
            }
            var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (sequences ? tokens.Length < 2 : tokens.Length != 2)
            {
                throw DataFileReader.Error(path, line, sequences
                    ? $"expected 'user item1 item2 ...', found {tokens.Length} field(s)."
                    : $"expected 'user item', found {tokens.Length} field(s).");
            }
            for (int k = 1; k < tokens.Length; k++)
            {
                builder.Report.RecordsRead++;
                builder.Add(tokens[0], tokens[k], null);
            }
        }
    }
}
