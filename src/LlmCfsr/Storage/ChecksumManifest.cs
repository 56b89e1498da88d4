using System.Security.Cryptography;
using System.Text;

namespace LlmCfsr.Storage;

/// <summary>
/// <c>SHA256SUMS</c>: the SHA-256 of every file of a folder's set, in the format of <c>sha256sum</c> (so
/// <c>sha256sum -c SHA256SUMS</c> checks a folder by hand). It is written last, after every file it lists is on
/// disk, so it marks the set as complete; verifying it before use turns a torn write or a flipped bit into an
/// error naming the damaged file instead of silently wrong numbers.
/// </summary>
public static class ChecksumManifest
{
    /// <summary>The manifest's file name.</summary>
    public const string FileName = "SHA256SUMS";

    /// <summary>The manifest path of <paramref name="folder"/>.</summary>
    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    /// <summary>Whether <paramref name="folder"/> has a manifest (its set was completed at least once).</summary>
    public static bool Exists(string folder) => File.Exists(PathIn(folder));

    /// <summary>Lower-case hex SHA-256 of <paramref name="path"/>.</summary>
    public static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Hashes <paramref name="names"/> (file names inside <paramref name="folder"/>) and writes the manifest through
    /// <paramref name="writer"/>; call it after every listed file is written.
    /// </summary>
    public static void Write(AtomicFileWriter writer, string folder, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(names);
        var text = new StringBuilder();
        foreach (var name in names.Order(StringComparer.Ordinal))
        {
            text.Append(HashFile(Path.Combine(folder, name))).Append("  ").Append(name).Append('\n');
        }
        writer.WriteAllText(PathIn(folder), text.ToString());
    }

    /// <summary>Reads the manifest of <paramref name="folder"/>: file name to SHA-256; errors name the file and line.</summary>
    public static IReadOnlyDictionary<string, string> Read(string folder)
    {
        var path = PathIn(folder);
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            int separator = line.IndexOf("  ", StringComparison.Ordinal);
            if (separator != 64 || line.Length <= 66 || !IsHex(line.AsSpan(0, 64)))
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected '<64 hex digits>  <file name>'.");
            }
            sums[line[66..]] = line[..64];
        }
        return sums;
    }

    /// <summary>
    /// Checks every file listed in the manifest of <paramref name="folder"/> against its SHA-256, and that each of
    /// <paramref name="covered"/> that exists is listed (so a file replaced after the manifest was written is caught).
    /// </summary>
    /// <exception cref="InvalidDataException">The manifest is missing or malformed, or a file is missing, unlisted or differs; the message names it.</exception>
    public static void Verify(string folder, IEnumerable<string>? covered = null)
    {
        var manifest = PathIn(folder);
        if (!File.Exists(manifest))
        {
            throw new InvalidDataException($"{manifest} is missing: the folder's files were never completely written (interrupted?).");
        }
        var sums = Read(folder);
        foreach (var (name, expected) in sums)
        {
            var file = Path.Combine(folder, name);
            if (!File.Exists(file))
            {
                throw new InvalidDataException($"{file} is missing (listed in {manifest}).");
            }
            if (HashFile(file) != expected)
            {
                throw new InvalidDataException($"{file}: SHA-256 differs from {manifest}; the file is damaged or was changed after it was written.");
            }
        }
        foreach (var name in covered ?? [])
        {
            if (!sums.ContainsKey(name) && File.Exists(Path.Combine(folder, name)))
            {
                throw new InvalidDataException($"{Path.Combine(folder, name)} is not listed in {manifest}; it was written after the set was completed (interrupted write?).");
            }
        }
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }
        return true;
    }
}
