using LlmCfsr.Data;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

public sealed class TrainingWindowsTests
{
    // User 1: 1 2 3 4 5 6 7 (trains on 1..5); user 2: 8 9 10 (trains on 8).
    private static readonly PreparedDataset Data = new("w", new[] { "a", "b" }, Enumerable.Range(1, 10).Select(i => $"i{i}").ToArray(),
        new[] { new[] { 1, 2, 3, 4, 5, 6, 7 }, new[] { 8, 9, 10 } },
        Enumerable.Range(0, 10).Select(_ => ItemAttributes.Empty).ToArray());

    private static long[][] Rows(Tensor t) => Enumerable.Range(0, (int)t.shape[0]).Select(i => t[i].data<long>().ToArray()).ToArray();

    [Fact]
    public void AllPositionsPredictTheNextTrainingItemFromEveryRealPrefix()
    {
        using var windows = new TrainingWindows(Data, 4);
        using var scope = NewDisposeScope();
        var batch = windows.Batch(tensor(new long[] { 0, 1 }), TrainingObjective.AllPositions, 0.2, CPU);
        // Window of the newest 5 training items: 1 2 3 4 5 -> inputs 1 2 3 4, targets 2 3 4 5.
        Assert.Equal(new long[] { 1, 2, 3, 4 }, Rows(batch.Items)[0]);
        Assert.Equal(new long[] { 2, 3, 4, 5 }, Rows(batch.Targets)[0]);
        // User 2 trains on the single item 8: with nothing before it, no position predicts it and no input shows it.
        Assert.Equal(new long[] { 0, 0, 0, 0 }, Rows(batch.Items)[1]);
        Assert.Equal(new long[] { 0, 0, 0, 0 }, Rows(batch.Targets)[1]);
        Assert.Equal(new long[] { 1, 2 }, batch.Users.data<long>().ToArray());
        Assert.Null(batch.MaskedPositions);
    }

    [Fact]
    public void LastPositionKeepsOnlyTheNewestTarget()
    {
        using var windows = new TrainingWindows(Data, 3);
        using var scope = NewDisposeScope();
        var batch = windows.Batch(tensor(new long[] { 0 }), TrainingObjective.LastPosition, 0.2, CPU);
        Assert.Equal(new long[] { 2, 3, 4 }, Rows(batch.Items)[0]);
        Assert.Equal(new long[] { 0, 0, 5 }, Rows(batch.Targets)[0]);
    }

    [Fact]
    public void MaskedTrainingTargetsExactlyTheMaskedRealPositions()
    {
        using var windows = new TrainingWindows(Data, 4);
        using var scope = NewDisposeScope();
        manual_seed(2);
        var batch = windows.Batch(tensor(new long[] { 0, 1 }), TrainingObjective.Masked, 0.5, CPU);
        Assert.Equal(new long[] { 2, 3, 4, 5 }, Rows(batch.Items)[0]);
        var masked = batch.MaskedPositions!;
        Assert.True(batch.Targets.eq(batch.Items * masked).all().item<bool>());
        Assert.False(masked.logical_and(ItemIds.IsReal(batch.Items).logical_not()).any().item<bool>(), "Padding must never be masked.");
        // With p = 0.5 over many draws about half of the real positions are masked.
        long maskedCount = 0, real = 0;
        for (int i = 0; i < 200; i++)
        {
            using var inner = NewDisposeScope();
            var b = windows.Batch(tensor(new long[] { 0, 1 }), TrainingObjective.Masked, 0.5, CPU);
            maskedCount += b.MaskedPositions!.sum().item<long>();
            real += ItemIds.IsReal(b.Items).sum().item<long>();
        }
        Assert.InRange(maskedCount / (double)real, 0.44, 0.56);
    }
}
