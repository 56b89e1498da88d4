using LlmCfsr.Training;

namespace LlmCfsr.Backbones.Tests.Training;

/// <summary>
/// Records every report synchronously, with the live tensor count of the reporting thread at that moment (tests
/// running in parallel create and free tensors on other threads), and can act on it.
/// </summary>
internal sealed class RecordingProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public List<(TrainingProgress Progress, long LiveTensors)> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add((value, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        onReport?.Invoke(value);
    }
}
