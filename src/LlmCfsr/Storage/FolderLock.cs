using System.Globalization;

namespace LlmCfsr.Storage;

/// <summary>
/// An exclusive, OS-level lock on a folder (or on one output file) held by its writer: a lock file opened with
/// <see cref="FileShare.None"/> (an advisory <c>flock</c> on Unix, a sharing lock on Windows) that holds the writer's
/// process id. The operating system releases it when the process exits, however it exits, so a lock is never left
/// stale; the file itself stays. A second writer fails at once with a message naming the holder's PID.
/// </summary>
public sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name inside a locked folder.</summary>
    public const string FileName = ".llmcfsr.lock";

    private readonly FileStream _stream;

    private FolderLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>Locks <paramref name="folder"/> (created when missing) through its <see cref="FileName"/>.</summary>
    /// <exception cref="IOException">Another process (or another writer in this one) holds the lock; the message names its PID.</exception>
    public static FolderLock Acquire(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        return AcquireFile(System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), FileName), System.IO.Path.GetFullPath(folder));
    }

    /// <summary>Locks the single output file <paramref name="path"/> through "<paramref name="path"/>.lock".</summary>
    /// <exception cref="IOException">Another writer holds the lock; the message names its PID.</exception>
    public static FolderLock AcquireForFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return AcquireFile(full + ".lock", full);
    }

    private static FolderLock AcquireFile(string lockPath, string what)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{what} is being written by another process (PID {ReadHolder(lockPath)}, lock file {lockPath}); wait for it to finish or stop it.", e);
        }
        var processId = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        stream.SetLength(0);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(processId));
        stream.Flush();
        File.WriteAllText(lockPath + ".pid", processId);
        return new FolderLock(stream, lockPath);
    }

    private static string ReadHolder(string lockPath)
    {
        try
        {
            var text = File.ReadAllText(lockPath + ".pid").Trim();
            return text.Length == 0 ? "unknown" : text;
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    /// <summary>Releases the lock (the file stays; deleting it could let two writers lock two different files).</summary>
    public void Dispose() => _stream.Dispose();
}
