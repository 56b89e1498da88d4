using LlmCfsr.Training;

namespace LlmCfsr.Backbones.Tests.Training;

/// <summary>Records every report synchronously, with the live tensor count at that moment, and can act on it.</summary>
internal sealed class RecordingProgress(Action<TrainingProgress>? onReport = null) : IProgress<TrainingProgress>
{
    public List<(TrainingProgress Progress, long LiveTensors)> Reports { get; } = [];

    public void Report(TrainingProgress value)
    {
        Reports.Add((value, TorchSharp.torch.Tensor.TotalCount));
        onReport?.Invoke(value);
    }
}
