using System.IO.Compression;
using System.Text;

namespace LlmCfsr.Data.Loading;

/// <summary>Streams the lines of a (possibly gzip-compressed) text file with 1-based line numbers, and formats located errors.</summary>
internal static class DataFileReader
{
    public static IEnumerable<(long Line, string Text)> Lines(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long number = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            number++;
            yield return (number, line);
        }
    }

    public static InvalidDataException Error(string path, long line, string message, Exception? inner = null) =>
        new($"{path}:{line}: {message}", inner);
}
