using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using LlmCfsr.Storage;

namespace LlmCfsr.Data;

/// <summary>
/// Saves a <see cref="PreparedDataset"/> to a folder and loads it back (format version
/// <see cref="FormatVersion"/>, described in docs/data.md). The folder holds <c>dataset.json</c> (manifest with
/// counts and the SHA-256 content fingerprint), <c>users.tsv</c>, <c>items.jsonl</c>, <c>sequences.txt</c> and
/// <c>SHA256SUMS</c> over those four, written last. Every file is written atomically under the folder's lock; loading
/// checks the checksums (naming a damaged file), then recomputes the fingerprint.
/// </summary>
public static class PreparedDatasetStore
{
    /// <summary>The folder format version written by <see cref="Save"/>; <see cref="Load"/> reads exactly this version.</summary>
    public const int FormatVersion = 1;

    /// <summary>Name of the manifest file inside a prepared-dataset folder.</summary>
    public const string ManifestFileName = "dataset.json";

    internal const string FormatName = "llmcfsr-prepared-dataset";
    internal const string UsersFileName = "users.tsv";
    internal const string ItemsFileName = "items.jsonl";
    internal const string SequencesFileName = "sequences.txt";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    // Only JSON's mandatory escapes: attribute text stays readable ("&" not "\u0026"); files are never embedded in HTML.
    private static readonly JsonWriterOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonSerializerOptions RelaxedSerializer = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>True when <paramref name="folder"/> holds a prepared dataset (has a manifest).</summary>
    public static bool IsPreparedDatasetFolder(string folder) => File.Exists(Path.Combine(folder, ManifestFileName));

    /// <summary>
    /// Writes <paramref name="dataset"/> to <paramref name="folder"/> (created when missing) while holding the folder's
    /// lock. A folder that already holds a prepared dataset is refused unless <paramref name="overwrite"/>; when
    /// overwriting, the old manifest goes first, so a write cut short leaves a folder that is refused as incomplete
    /// rather than one that mixes two datasets.
    /// </summary>
    /// <exception cref="IOException">The folder holds a prepared dataset and <paramref name="overwrite"/> is false, or another process is writing it.</exception>
    public static void Save(PreparedDataset dataset, string folder, bool overwrite = false, AtomicFileWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        writer ??= AtomicFileWriter.Default;
        using var folderLock = FolderLock.Acquire(folder);
        if (IsPreparedDatasetFolder(folder) && !overwrite)
        {
            throw new IOException($"{folder} already holds a prepared dataset; replace it with --force (runs trained on it will then no longer load) or choose another folder.");
        }
        File.Delete(ChecksumManifest.PathIn(folder));
        File.Delete(Path.Combine(folder, ManifestFileName));
        WriteText(writer, Path.Combine(folder, UsersFileName), text => WriteUsers(dataset, text));
        WriteText(writer, Path.Combine(folder, ItemsFileName), text => WriteItems(dataset, text));
        WriteText(writer, Path.Combine(folder, SequencesFileName), text => WriteSequences(dataset, text));
        writer.Write(Path.Combine(folder, ManifestFileName), stream => WriteManifest(dataset, stream));
        ChecksumManifest.Write(writer, folder, [UsersFileName, ItemsFileName, SequencesFileName, ManifestFileName]);
    }

    private static void WriteManifest(PreparedDataset dataset, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", FormatName);
        json.WriteNumber("version", FormatVersion);
        json.WriteString("name", dataset.Name);
        json.WriteNumber("users", dataset.UserCount);
        json.WriteNumber("items", dataset.ItemCount);
        json.WriteNumber("interactions", dataset.InteractionCount);
        json.WriteString("fingerprint", dataset.Fingerprint);
        json.WriteEndObject();
    }

    /// <summary>Reads the prepared dataset in <paramref name="folder"/>; errors name the file and line at fault.</summary>
    /// <exception cref="InvalidDataException">A file is missing, malformed, of another version, or does not match the fingerprint.</exception>
    public static PreparedDataset Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string manifestPath = Path.Combine(folder, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            throw new InvalidDataException($"'{folder}' is not a prepared-dataset folder: {ManifestFileName} is missing (create one with 'llmcfsr data prepare'; an interrupted one is finished by running it again with --force).");
        }
        if (ChecksumManifest.Exists(folder))
        {
            ChecksumManifest.Verify(folder, [UsersFileName, ItemsFileName, SequencesFileName, ManifestFileName]);
        }

        string name;
        int userCount, itemCount;
        string fingerprint;
        try
        {
            using var manifest = JsonDocument.Parse(File.ReadAllBytes(manifestPath));
            var root = manifest.RootElement;
            string format = RequiredString(root, "format", manifestPath);
            if (format != FormatName)
            {
                throw new InvalidDataException($"{manifestPath}: field 'format' is '{format}', expected '{FormatName}'.");
            }
            int version = RequiredInt(root, "version", manifestPath);
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"{manifestPath}: field 'version' is {version}; this build reads version {FormatVersion}.");
            }
            name = RequiredString(root, "name", manifestPath);
            userCount = RequiredInt(root, "users", manifestPath);
            itemCount = RequiredInt(root, "items", manifestPath);
            fingerprint = RequiredString(root, "fingerprint", manifestPath);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{manifestPath}:{(e.LineNumber ?? 0) + 1}: malformed JSON: {e.Message}", e);
        }

        var userIds = ReadUsers(Path.Combine(folder, UsersFileName), userCount);
        var (itemIds, attributes) = ReadItems(Path.Combine(folder, ItemsFileName), itemCount);
        var sequences = ReadSequences(Path.Combine(folder, SequencesFileName), userCount, itemCount);

        PreparedDataset dataset;
        try
        {
            dataset = new PreparedDataset(name, userIds, itemIds, sequences, attributes);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{folder}: {e.Message}", e);
        }
        if (dataset.Fingerprint != fingerprint)
        {
            throw new InvalidDataException($"{manifestPath}: fingerprint {fingerprint} does not match the content ({dataset.Fingerprint}); the folder was modified after it was saved.");
        }
        return dataset;
    }

    /// <summary>SHA-256 (lower-case hex) of the canonical serialisation: name, users.tsv, items.jsonl and sequences.txt bytes.</summary>
    internal static string ComputeFingerprint(PreparedDataset dataset)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var sink = new HashingStream(hash))
        {
            using var writer = new StreamWriter(sink, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
            writer.Write("name\t");
            writer.Write(dataset.Name);
            writer.Write('\n');
            WriteUsers(dataset, writer);
            WriteItems(dataset, writer);
            WriteSequences(dataset, writer);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void WriteText(AtomicFileWriter writer, string path, Action<TextWriter> write) => writer.Write(path, stream =>
    {
        using var text = new StreamWriter(stream, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        write(text);
    });

    private static void WriteUsers(PreparedDataset dataset, TextWriter writer)
    {
        for (int u = 0; u < dataset.UserCount; u++)
        {
            writer.Write(u + 1);
            writer.Write('\t');
            writer.Write(JsonSerializer.Serialize(dataset.UserSourceIds[u], RelaxedSerializer));
            writer.Write('\n');
        }
    }

    private static void WriteItems(PreparedDataset dataset, TextWriter writer)
    {
        var buffer = new MemoryStream();
        for (int i = 0; i < dataset.ItemCount; i++)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer, RelaxedJson))
            {
                json.WriteStartObject();
                json.WriteNumber("id", i + 1);
                json.WriteString("source", dataset.ItemSourceIds[i]);
                json.WriteStartArray("attributes");
                foreach (var pair in dataset.ItemAttributes[i].Pairs)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(pair.Key);
                    json.WriteStringValue(pair.Value);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            writer.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            writer.Write('\n');
        }
    }

    private static void WriteSequences(PreparedDataset dataset, TextWriter writer)
    {
        foreach (var sequence in dataset.Sequences)
        {
            for (int k = 0; k < sequence.Length; k++)
            {
                if (k > 0)
                {
                    writer.Write(' ');
                }
                writer.Write(sequence[k]);
            }
            writer.Write('\n');
        }
    }

    private static List<string> ReadUsers(string path, int expected)
    {
        var ids = new List<string>(expected);
        int lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            int tab = line.IndexOf('\t');
            if (tab < 0 || !int.TryParse(line.AsSpan(0, tab), out int id) || id != lineNumber)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: expected '{lineNumber}<TAB>\"source id\"'.");
            }
            ids.Add(ParseJsonString(line[(tab + 1)..], path, lineNumber, "source id"));
        }
        if (ids.Count != expected)
        {
            throw new InvalidDataException($"{path}: {ids.Count} users, the manifest says {expected}.");
        }
        return ids;
    }

    private static (List<string> Ids, List<ItemAttributes> Attributes) ReadItems(string path, int expected)
    {
        var ids = new List<string>(expected);
        var attributes = new List<ItemAttributes>(expected);
        int lineNumber = 0;
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            try
            {
                using var document = JsonDocument.Parse(line);
                var root = document.RootElement;
                if (!root.TryGetProperty("id", out var id) || !id.TryGetInt32(out int value) || value != lineNumber)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: field 'id' must be {lineNumber}.");
                }
                if (!root.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.String)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: field 'source' must be a string.");
                }
                if (!root.TryGetProperty("attributes", out var pairs) || pairs.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: field 'attributes' must be an array of [name, value] pairs.");
                }
                var list = new List<KeyValuePair<string, string>>(pairs.GetArrayLength());
                foreach (var pair in pairs.EnumerateArray())
                {
                    if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                    {
                        throw new InvalidDataException($"{path}:{lineNumber}: field 'attributes' must hold [name, value] string pairs.");
                    }
                    list.Add(new KeyValuePair<string, string>(pair[0].GetString()!, pair[1].GetString()!));
                }
                ids.Add(source.GetString()!);
                attributes.Add(list.Count == 0 ? ItemAttributes.Empty : new ItemAttributes(list));
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: malformed JSON: {e.Message}", e);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"{path}:{lineNumber}: field 'attributes': {e.Message}", e);
            }
        }
        if (ids.Count != expected)
        {
            throw new InvalidDataException($"{path}: {ids.Count} items, the manifest says {expected}.");
        }
        return (ids, attributes);
    }

    private static List<int[]> ReadSequences(string path, int expectedUsers, int itemCount)
    {
        var sequences = new List<int[]>(expectedUsers);
        int lineNumber = 0;
        var buffer = new List<int>();
        foreach (var line in ReadLines(path))
        {
            lineNumber++;
            buffer.Clear();
            foreach (var range in line.AsSpan().Split(' '))
            {
                var token = line.AsSpan(range);
                if (!int.TryParse(token, out int item) || item < 1 || item > itemCount)
                {
                    throw new InvalidDataException($"{path}:{lineNumber}: '{token}' is not an item id in 1..{itemCount}.");
                }
                buffer.Add(item);
            }
            sequences.Add(buffer.ToArray());
        }
        if (sequences.Count != expectedUsers)
        {
            throw new InvalidDataException($"{path}: {sequences.Count} sequences, the manifest says {expectedUsers} users.");
        }
        return sequences;
    }

    private static IEnumerable<string> ReadLines(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing from the prepared-dataset folder.");
        }
        return File.ReadLines(path, Utf8);
    }

    private static string ParseJsonString(string text, string path, int lineNumber, string field)
    {
        try
        {
            return JsonSerializer.Deserialize<string>(text) ?? throw new InvalidDataException($"{path}:{lineNumber}: field '{field}' is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}:{lineNumber}: field '{field}' is not a JSON string: {e.Message}", e);
        }
    }

    private static string RequiredString(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new InvalidDataException($"{path}: field '{field}' must be a string.");

    private static int RequiredInt(JsonElement root, string field, string path) =>
        root.TryGetProperty(field, out var value) && value.TryGetInt32(out int number)
            ? number
            : throw new InvalidDataException($"{path}: field '{field}' must be an integer.");
}
