namespace LlmCfsr.Cli.Commands;

/// <summary>Reports on the training thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
internal sealed class TrainCommandProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
