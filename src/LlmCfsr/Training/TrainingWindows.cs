using LlmCfsr.Data;
using LlmCfsr.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// Every user's newest MaxLength + 1 training items, left-padded, as one int64 tensor [users, MaxLength + 1]
/// built once; each step slices a batch of rows and derives inputs and targets with tensor operations.
/// </summary>
internal sealed class TrainingWindows : IDisposable
{
    private readonly Tensor _windows;
    private readonly int _maxLength;

    public TrainingWindows(PreparedDataset dataset, int maxLength)
    {
        _maxLength = maxLength;
        int width = maxLength + 1;
        var flat = new long[(long)dataset.UserCount * width];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var items = dataset.TrainingSequence(user);
            int take = Math.Min(items.Length, width);
            int rowStart = (user - 1) * width;
            for (int i = 0; i < take; i++)
            {
                flat[rowStart + width - take + i] = items[items.Length - take + i];
            }
        }
        _windows = tensor(flat, new long[] { dataset.UserCount, width });
    }

    public int UserCount => (int)_windows.shape[0];

    public int StepsPerEpoch(int batchSize) => (UserCount + batchSize - 1) / batchSize;

    /// <summary>
    /// The zero-based rows [b] (int64, CPU) of every step of one epoch, in a random order drawn from torch's
    /// default generator; every user appears exactly once.
    /// </summary>
    public IReadOnlyList<Tensor> EpochBatches(int batchSize)
    {
        using var order = randperm(UserCount, dtype: ScalarType.Int64);
        return order.split(batchSize);
    }

    /// <summary>The batch for users at zero-based rows <paramref name="rows"/> [b] (int64, CPU), moved to <paramref name="device"/>.</summary>
    public TrainingBatch Batch(Tensor rows, TrainingObjective objective, double maskProbability, Device device)
    {
        var windows = _windows.index_select(0, rows);
        var users = (rows + 1).to(device);
        switch (objective)
        {
            case TrainingObjective.AllPositions:
            case TrainingObjective.LastPosition:
            {
                var items = windows.narrow(1, 0, _maxLength);
                // A position predicts the next item only if it holds a real item itself.
                var targets = windows.narrow(1, 1, _maxLength) * items.gt(0);
                if (objective == TrainingObjective.LastPosition)
                {
                    var last = zeros_like(targets, dtype: ScalarType.Bool);
                    last[TensorIndex.Colon, TensorIndex.Single(-1)] = tensor(true);
                    targets = targets * last;
                }
                return new TrainingBatch { Users = users, Items = items.to(device), Targets = targets.to(device) };
            }
            case TrainingObjective.Masked:
            {
                var items = windows.narrow(1, 1, _maxLength);
                var masked = rand(items.shape).lt(maskProbability).logical_and(items.gt(0));
                var targets = items * masked;
                return new TrainingBatch { Users = users, Items = items.to(device), Targets = targets.to(device), MaskedPositions = masked.to(device) };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(objective), objective, "Resolve Auto to a concrete objective first.");
        }
    }

    public void Dispose() => _windows.Dispose();
}
