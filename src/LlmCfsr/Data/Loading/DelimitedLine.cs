using System.Text;

namespace LlmCfsr.Data.Loading;

/// <summary>Splits one CSV/TSV record (RFC 4180 quoting with "" escapes; a record must fit on one line).</summary>
internal static class DelimitedLine
{
    public static List<string> Split(string text, char delimiter, string path, long line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < text.Length && text[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= text.Length)
                    {
                        throw DataFileReader.Error(path, line, $"unterminated quoted field {fields.Count + 1} (records must fit on one line).");
                    }
                    if (text[i] == '"')
                    {
                        if (i + 1 < text.Length && text[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(text[i++]);
                }
                if (i < text.Length && text[i] != delimiter)
                {
                    throw DataFileReader.Error(path, line, $"unexpected text after the closing quote of field {fields.Count + 1}.");
                }
            }
            else
            {
                while (i < text.Length && text[i] != delimiter)
                {
                    field.Append(text[i++]);
                }
            }
            fields.Add(field.ToString());
            if (i >= text.Length)
            {
                return fields;
            }
            i++;
        }
    }
}
