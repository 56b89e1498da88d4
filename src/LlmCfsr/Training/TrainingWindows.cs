using LlmCfsr.Data;
using LlmCfsr.Models;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;
using LlmCfsr.Sequences;

namespace LlmCfsr.Training;

/// <summary>
/// Every user's newest MaxLength + 1 training items, left-padded, as one int64 tensor [users, MaxLength + 1]
/// built once; each step slices a batch of rows and derives inputs and targets with tensor operations.
/// A batch is cut to the width of its longest window: the leading columns that are padding in every row carry
/// no information (the backbones count positions from the newest column and mask padding), so dropping them
/// changes no state of a real position and saves the work. With bucketing, each epoch's batches group users of
/// similar history length, so few columns are padding (see <see cref="EpochBatches"/>).
/// </summary>
internal sealed class TrainingWindows : IDisposable
{
    /// <summary>Batches per bucketing chunk: users are sorted by length within chunks of this many batches.</summary>
    internal const int BucketBatches = 32;

    private readonly Tensor _windows;
    private readonly Tensor _lengths;
    private readonly int _maxLength;

    public TrainingWindows(PreparedDataset dataset, int maxLength)
    {
        _maxLength = maxLength;
        int width = maxLength + 1;
        var flat = new long[(long)dataset.UserCount * width];
        var lengths = new long[dataset.UserCount];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var items = dataset.TrainingSequence(user);
            int take = Math.Min(items.Length, width);
            int rowStart = (user - 1) * width;
            for (int i = 0; i < take; i++)
            {
                flat[rowStart + width - take + i] = items[items.Length - take + i];
            }
            lengths[user - 1] = take;
        }
        _windows = tensor(flat, new long[] { dataset.UserCount, width });
        _lengths = tensor(lengths);
    }

    public int UserCount => (int)_windows.shape[0];

    public int StepsPerEpoch(int batchSize) => (UserCount + batchSize - 1) / batchSize;

    /// <summary>
    /// The zero-based rows [b] (int64, CPU) of every step of one epoch, drawn from torch's default generator;
    /// every user appears exactly once. Without bucketing the users are in a uniformly random order. With
    /// <paramref name="bucketByLength"/>, the random order is cut into chunks of <see cref="BucketBatches"/>
    /// batches, each chunk is sorted by window length (stably) before it is cut into batches, and the batches are
    /// shuffled: every batch is still a random draw of users, but of users with similar lengths.
    /// </summary>
    public IReadOnlyList<Tensor> EpochBatches(int batchSize, bool bucketByLength = true)
    {
        using var scope = NewDisposeScope();
        var order = randperm(UserCount, dtype: ScalarType.Int64);
        if (!bucketByLength)
        {
            return order.split(batchSize).Select(b => b.MoveToOuterDisposeScope()).ToArray();
        }
        var chunks = order.split((long)batchSize * BucketBatches)
            .Select(chunk => chunk.index_select(0, _lengths.index_select(0, chunk).sort(stable: true).Indices))
            .ToArray();
        var batches = cat(chunks, 0).split(batchSize);
        var shuffled = randperm(batches.Length, dtype: ScalarType.Int64).data<long>().ToArray();
        return shuffled.Select(i => batches[i].MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>
    /// The batch for users at zero-based rows <paramref name="rows"/> [b] (int64, CPU), moved to <paramref name="device"/>,
    /// cut to the longest window among them (at least one column).
    /// </summary>
    public TrainingBatch Batch(Tensor rows, TrainingObjective objective, double maskProbability, Device device)
    {
        long longest = _lengths.index_select(0, rows).max().item<long>();
        using var one = 1.ToScalar();
        var users = TensorArithmetic.Plus(rows, one).to(device);
        switch (objective)
        {
            case TrainingObjective.AllPositions:
            case TrainingObjective.LastPosition:
            {
                // n real items in a window give n - 1 inputs that predict a next item.
                long width = Math.Max(1, longest - 1);
                var windows = _windows.narrow(1, _maxLength - width, width + 1).index_select(0, rows);
                var items = windows.narrow(1, 0, width);
                // A position predicts the next item only if it holds a real item itself.
                var targets = windows.narrow(1, 1, width) * ItemIds.IsReal(items);
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
                long width = Math.Max(1, Math.Min(longest, _maxLength));
                var items = _windows.narrow(1, _maxLength + 1 - width, width).index_select(0, rows);
                using var probability = maskProbability.ToScalar();
                var masked = rand(items.shape).lt(probability).logical_and(ItemIds.IsReal(items));
                var targets = items * masked;
                return new TrainingBatch { Users = users, Items = items.to(device), Targets = targets.to(device), MaskedPositions = masked.to(device) };
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(objective), objective, "Resolve Auto to a concrete objective first.");
        }
    }

    public void Dispose()
    {
        _windows.Dispose();
        _lengths.Dispose();
    }
}
