using System.Globalization;

namespace LlmCfsr.Data.Loading;

/// <summary>Reads a timestamp field: a number (Unix seconds or any monotone time unit) or an ISO-8601 date/time (converted to Unix seconds, UTC).</summary>
internal static class TimestampParser
{
    public static double Parse(string value, string field, string path, long line)
    {
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number))
        {
            return number;
        }
        if (DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var when))
        {
            return (when - DateTime.UnixEpoch).TotalSeconds;
        }
        throw DataFileReader.Error(path, line, $"field '{field}' value '{value}' is neither a number nor a date.");
    }
}
