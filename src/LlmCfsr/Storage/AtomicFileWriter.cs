namespace LlmCfsr.Storage;

/// <summary>
/// Writes files so that a reader sees either the old content or the complete new one, never a mix: the bytes go
/// to a temporary file in the same folder, which is flushed to disk and then renamed over the target (a rename
/// within one folder is atomic on every supported file system). One instance is shared by everything that writes
/// a run, a prepared dataset or an embedding cache, so a test can inject a crash at any write through
/// <c>beforeCommit</c>.
/// </summary>
public sealed class AtomicFileWriter
{
    private readonly Action<string>? _beforeCommit;

    /// <summary>
    /// Creates a writer. <paramref name="beforeCommit"/> runs with the target path after a file's temporary copy is
    /// complete and on disk and before it replaces the target; an exception thrown there leaves the target as it was
    /// (fault-injection tests use it to simulate a crash between any two writes).
    /// </summary>
    public AtomicFileWriter(Action<string>? beforeCommit = null) => _beforeCommit = beforeCommit;

    /// <summary>The writer without a hook.</summary>
    public static AtomicFileWriter Default { get; } = new();

    /// <summary>Writes <paramref name="path"/> with the bytes <paramref name="write"/> puts in the stream.</summary>
    public void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        WriteThrough(path, temporary =>
        {
            using var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            write(stream);
        });
    }

    /// <summary>Writes <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte-order mark.</summary>
    public void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        WriteThrough(path, temporary => File.WriteAllText(temporary, text));
    }

    /// <summary>
    /// Writes <paramref name="path"/> through a library call that writes to a file name of its own choosing
    /// (torch's <c>save</c>): <paramref name="writeFile"/> gets the temporary path to write.
    /// </summary>
    public void WriteThrough(string path, Action<string> writeFile)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(writeFile);
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            File.Delete(temporary);
            writeFile(temporary);
            using (var stream = new FileStream(temporary, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                stream.Flush(flushToDisk: true);
            }
            _beforeCommit?.Invoke(full);
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> atomically.</summary>
    public void Copy(string source, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        WriteThrough(path, temporary => File.Copy(source, temporary));
    }
}
