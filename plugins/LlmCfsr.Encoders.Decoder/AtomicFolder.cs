using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Writes a folder all-or-nothing: the files go to a hidden temporary sibling, are flushed to disk, a manifest with
/// every file's size and SHA-256 is written last, and the folder is renamed into place. A reader that finds the
/// manifest and matching checksums knows the folder is complete. (Private to this plugin until the core has one.)
/// </summary>
internal static class AtomicFolder
{
    public const string ManifestFile = "manifest.json";

    /// <summary>Runs <paramref name="write"/> into a temporary folder, then publishes it as <paramref name="folder"/> (replacing it).</summary>
    public static void Write(string folder, Action<string> write)
    {
        var full = Path.GetFullPath(folder);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        var temporary = Stage(parent, "." + Path.GetFileName(full), write);
        try
        {
            if (Directory.Exists(full))
            {
                Directory.Delete(full, recursive: true);
            }
            Directory.Move(temporary, full);
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="write"/> into a temporary folder inside <paramref name="folder"/> (which may hold other
    /// files and folders), then renames each written file into <paramref name="folder"/>, the manifest last.
    /// </summary>
    public static void WriteFiles(string folder, Action<string> write)
    {
        var full = Path.GetFullPath(folder);
        var temporary = Stage(full, ".staging", write);
        try
        {
            File.Delete(Path.Combine(full, ManifestFile));
            foreach (var file in Directory.GetFiles(temporary).Where(f => Path.GetFileName(f) != ManifestFile))
            {
                File.Move(file, Path.Combine(full, Path.GetFileName(file)), overwrite: true);
            }
            File.Move(Path.Combine(temporary, ManifestFile), Path.Combine(full, ManifestFile));
        }
        finally
        {
            Directory.Delete(temporary, recursive: true);
        }
    }

    /// <summary>Writes, flushes and checksums the files of a new temporary folder <paramref name="name"/>.tmp-PID under <paramref name="parent"/>.</summary>
    private static string Stage(string parent, string name, Action<string> write)
    {
        Directory.CreateDirectory(parent);
        var temporary = Path.Combine(parent, $"{name}.tmp-{Environment.ProcessId}");
        if (Directory.Exists(temporary))
        {
            Directory.Delete(temporary, recursive: true);
        }
        Directory.CreateDirectory(temporary);
        try
        {
            write(temporary);
            var manifest = new JsonObject();
            foreach (var file in Directory.GetFiles(temporary).OrderBy(f => f, StringComparer.Ordinal))
            {
                Flush(file);
                manifest[Path.GetFileName(file)] = new JsonObject { ["size"] = new FileInfo(file).Length, ["sha256"] = Hash(file) };
            }
            var manifestPath = Path.Combine(temporary, ManifestFile);
            File.WriteAllText(manifestPath, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            Flush(manifestPath);
            return temporary;
        }
        catch
        {
            Directory.Delete(temporary, recursive: true);
            throw;
        }
    }

    /// <summary>Whether <paramref name="folder"/> has a manifest and every file it lists has the recorded size and hash.</summary>
    public static bool IsComplete(string folder)
    {
        var manifestPath = Path.Combine(folder, ManifestFile);
        if (!File.Exists(manifestPath))
        {
            return false;
        }
        try
        {
            if (JsonNode.Parse(File.ReadAllText(manifestPath)) is not JsonObject manifest)
            {
                return false;
            }
            foreach (var (name, entry) in manifest)
            {
                var path = Path.Combine(folder, name);
                if (!File.Exists(path) || entry?["size"]?.GetValue<long>() != new FileInfo(path).Length || entry?["sha256"]?.GetValue<string>() != Hash(path))
                {
                    return false;
                }
            }
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void Flush(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
