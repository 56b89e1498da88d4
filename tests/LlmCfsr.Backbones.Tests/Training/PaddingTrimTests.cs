using LlmCfsr.Testing;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

/// <summary>Batches cut to their longest window, length bucketing, and trimmed histories at scoring time.</summary>
public sealed class PaddingTrimTests
{
    // User u (1-based) holds items u .. 2u + 1 (lengths 3..16), so trains on u items (the last two are held out).
    private static readonly PreparedDataset Data = new("trim",
        Enumerable.Range(1, 14).Select(u => $"u{u}").ToArray(),
        Enumerable.Range(1, 30).Select(i => $"i{i}").ToArray(),
        Enumerable.Range(0, 14).Select(u => Enumerable.Range(1 + u, Math.Min(16, 3 + u)).ToArray()).ToArray(),
        Enumerable.Range(0, 30).Select(_ => ItemAttributes.Empty).ToArray());

    [Fact]
    public void BatchesAreCutToTheirLongestWindowAndKeepItsContent()
    {
        using var windows = new TrainingWindows(Data, 10);
        using var scope = NewDisposeScope();
        // Users 1..3 train on 1, 2 and 3 items: the longest window holds 3 items, so 2 inputs predict a next item.
        var rows = tensor(new long[] { 2, 0, 1 });
        var causal = windows.Batch(rows, TrainingObjective.AllPositions, 0.2, CPU);
        Assert.Equal(new long[] { 3, 2 }, causal.Items.shape);
        Assert.Equal(new long[] { 3, 4 }, causal.Items[0].data<long>().ToArray());
        Assert.Equal(new long[] { 4, 5 }, causal.Targets[0].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 2 }, causal.Items[2].data<long>().ToArray());
        Assert.Equal(new long[] { 0, 3 }, causal.Targets[2].data<long>().ToArray());
        // Masked training encodes every real item: width 3.
        var masked = windows.Batch(rows, TrainingObjective.Masked, 0.5, CPU);
        Assert.Equal(new long[] { 3, 3 }, masked.Items.shape);
        Assert.Equal(new long[] { 3, 4, 5 }, masked.Items[0].data<long>().ToArray());
        // A window longer than MaxLength + 1 is never wider than MaxLength.
        var longest = windows.Batch(tensor(new long[] { 13 }), TrainingObjective.Masked, 0.5, CPU);
        Assert.Equal(10, longest.Items.shape[1]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryUserIsInExactlyOneBatchOfAnEpoch(bool bucket)
    {
        using var windows = new TrainingWindows(Data, 10);
        using var scope = NewDisposeScope();
        manual_seed(4);
        var batches = windows.EpochBatches(4, bucket);
        Assert.Equal(windows.StepsPerEpoch(4), batches.Count);
        Assert.Equal(Enumerable.Range(0, 14).Select(i => (long)i), batches.SelectMany(b => b.data<long>().ToArray()).Order());
    }

    [Fact]
    public void BucketedBatchesHoldUsersOfSimilarLength()
    {
        using var windows = new TrainingWindows(Data, 20);
        using var scope = NewDisposeScope();
        manual_seed(4);
        // 14 users fit in one chunk of BucketBatches batches, so the batches partition the users sorted by length:
        // ordered by their shortest user, each batch ends at or below where the next begins.
        var lengths = Enumerable.Range(0, 14).Select(u => Math.Min(14, 1 + u)).ToArray();
        var spans = windows.EpochBatches(4, bucketByLength: true)
            .Select(b => b.data<long>().ToArray().Select(u => lengths[u]).ToArray())
            .Select(l => (Min: l.Min(), Max: l.Max()))
            .OrderBy(s => s.Min)
            .ToList();
        for (int i = 1; i < spans.Count; i++)
        {
            Assert.True(spans[i - 1].Max <= spans[i].Min, $"batch {i - 1} spans lengths {spans[i - 1]}, batch {i} {spans[i]}");
        }
    }

    [Theory]
    [InlineData("sasrec")]
    [InlineData("gru4rec")]
    [InlineData("bert4rec")]
    public void ExtraLeftPaddingDoesNotChangeScores(string name)
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        manual_seed(1);
        using var inputs = RecommenderModelInputs.From(CyclicDataset.Create(), new SequenceEncoderSettings { HiddenSize = 8, MaxLength = 12, Layers = 1, Heads = 2, Dropout = 0.1 });
        using var model = RecommenderModels.Create(catalog, name, inputs);
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var narrow = tensor(new long[,] { { 0, 3, 4, 5 }, { 6, 7, 8, 9 } });
        var padding = zeros(2, 6, dtype: ScalarType.Int64);
        // EncodeHistories encodes the narrow histories; the reference encodes them behind six more padding columns,
        // untrimmed. They agree to float rounding because padding is never attended to and positions count from the
        // newest column, which is what makes trimming padding exact.
        Tensor reference;
        if (model.Direction == SequenceDirection.Causal)
        {
            reference = model.EncodeSequences(cat([padding, narrow], 1)).select(1, -1);
        }
        else
        {
            // A bidirectional model predicts from a masked slot appended after the history.
            var items = cat([padding, narrow, ones(2, 1, dtype: ScalarType.Int64)], 1);
            var masked = zeros_like(items, dtype: ScalarType.Bool);
            masked[TensorIndex.Colon, TensorIndex.Single(-1)] = tensor(true);
            reference = model.EncodeSequences(items, masked).select(1, -1);
        }
        Assert.True(model.EncodeHistories(narrow).allclose(reference, rtol: 1e-5, atol: 1e-6));
    }
}
