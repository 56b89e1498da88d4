namespace LlmCfsr.Embeddings.Tests;

/// <summary>An IProgress that reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, which makes assertions racy).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
