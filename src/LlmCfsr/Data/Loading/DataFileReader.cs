using System.IO.Compression;
using System.Text;

namespace LlmCfsr.Data.Loading;

/// <summary>
/// Streams the lines of a (possibly gzip-compressed) UTF-8 text file with 1-based line numbers, and formats located
/// errors. Bytes that are not UTF-8 are an error naming the file, line and byte, never silently replaced; a file with
/// a UTF-16 or UTF-32 byte-order mark is read in that encoding.
/// </summary>
internal static class DataFileReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IEnumerable<(long Line, string Text)> Lines(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }
        using var stream = Open(path);
        using var reader = new StreamReader(stream, StrictUtf8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        long number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw NotUtf8(path, e);
            }
            if (line is null)
            {
                yield break;
            }
            number++;
            yield return (number, line);
        }
    }

    /// <summary>
    /// The bytes of a whole-document file (JSON), checked to be UTF-8: a UTF-16/UTF-32 byte-order mark or invalid bytes
    /// are an error naming the encoding or the line; a UTF-8 byte-order mark is skipped.
    /// </summary>
    public static ReadOnlyMemory<byte> ReadUtf8Document(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist.", path);
        }
        byte[] bytes;
        using (var stream = Open(path))
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }
        string? foreign = bytes switch
        {
            [0xFF, 0xFE, 0x00, 0x00, ..] => "UTF-32 (little-endian byte-order mark)",
            [0x00, 0x00, 0xFE, 0xFF, ..] => "UTF-32 (big-endian byte-order mark)",
            [0xFF, 0xFE, ..] => "UTF-16 (little-endian byte-order mark)",
            [0xFE, 0xFF, ..] => "UTF-16 (big-endian byte-order mark)",
            [_, 0x00, _, 0x00, ..] or [0x00, _, 0x00, _, ..] => "UTF-16 (no byte-order mark; every other byte is zero)",
            _ => null,
        };
        if (foreign is not null)
        {
            throw new InvalidDataException($"{path}: the file is encoded as {foreign}; save it as UTF-8.");
        }
        int start = bytes is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        var document = bytes.AsMemory(start);
        if (!System.Text.Unicode.Utf8.IsValid(document.Span))
        {
            var (line, value) = FirstInvalidByte(document.Span);
            throw Error(path, line, $"byte 0x{value:X2} is not valid UTF-8; save the file as UTF-8.");
        }
        return document;
    }

    public static InvalidDataException Error(string path, long line, string message, Exception? inner = null) =>
        new($"{path}:{line}: {message}", inner);

    private static Stream Open(string path)
    {
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Re-reads the file's raw bytes to name the line of the first byte that is not UTF-8 (the decoder only knows its buffer).</summary>
    private static InvalidDataException NotUtf8(string path, DecoderFallbackException e)
    {
        using var stream = Open(path);
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var (line, value) = FirstInvalidByte(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        return Error(path, line, $"byte 0x{value:X2} is not valid UTF-8; save the file as UTF-8.", e);
    }

    private static (long Line, byte Value) FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        long line = 1;
        int offset = 0;
        while (offset < bytes.Length)
        {
            // '\n' never occurs inside a multi-byte UTF-8 sequence, so lines can be checked one by one.
            int end = bytes[offset..].IndexOf((byte)'\n');
            var text = end < 0 ? bytes[offset..] : bytes.Slice(offset, end);
            if (!System.Text.Unicode.Utf8.IsValid(text))
            {
                // Decoding stops at the first invalid sequence and reports how many bytes before it were valid.
                System.Text.Unicode.Utf8.ToUtf16(text, new char[text.Length], out int valid, out _, replaceInvalidSequences: false);
                return (line, text[Math.Min(valid, text.Length - 1)]);
            }
            if (end < 0)
            {
                break;
            }
            offset += end + 1;
            line++;
        }
        return (line, 0);
    }
}
