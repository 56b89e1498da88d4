using LlmCfsr.Losses;
using LlmCfsr.Testing;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Models;

public sealed class IdOnlyRecommenderTests
{
    private static SequentialRecommender Create(ServiceProvider services, string name, int maxLength = 6)
    {
        manual_seed(1);
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var inputs = RecommenderModelInputs.From(CyclicDataset.Create(), new SequenceEncoderSettings { HiddenSize = 8, MaxLength = maxLength, Layers = 1, Heads = 2, Dropout = 0.1 });
        var model = RecommenderModels.Create(catalog, name, inputs);
        model.eval();
        return model;
    }

    [Theory]
    [InlineData("sasrec")]
    [InlineData("gru4rec")]
    [InlineData("bert4rec")]
    public void CandidateScoresAreTheColumnsOfFullScores(string name)
    {
        using var services = TestServices.Build();
        using var model = Create(services, name);
        using var scope = NewDisposeScope();
        // Histories longer than the window keep their newest items; padded ones are left-padded with 0.
        var histories = tensor(new long[,] { { 0, 0, 0, 0, 0, 3, 4, 5 }, { 1, 2, 3, 4, 5, 6, 7, 8 } });
        var candidates = tensor(new long[,] { { 6, 1, 40 }, { 9, 2, 17 } });
        var all = model.ScoreAll(histories);
        Assert.Equal(new long[] { 2, 41 }, all.shape);
        var expected = all.gather(1, candidates);
        Assert.True(expected.allclose(model.ScoreCandidates(histories, candidates), 1e-5, 1e-5));
        Assert.False(model.ScoreAll(histories).requires_grad);
    }

    [Fact]
    public void CausalInferenceReadsTheNewestColumnAndIgnoresOlderItemsBeyondTheWindow()
    {
        using var services = TestServices.Build();
        using var model = Create(services, "sasrec", maxLength: 4);
        using var scope = NewDisposeScope();
        var longHistory = tensor(new long[,] { { 9, 9, 9, 3, 4, 5, 6 } });
        var window = tensor(new long[,] { { 3, 4, 5, 6 } });
        Assert.True(model.ScoreAll(longHistory).allclose(model.ScoreAll(window), 1e-6, 1e-6));
    }

    [Fact]
    public void BidirectionalInferencePredictsAMaskedSlotAfterTheHistory()
    {
        using var services = TestServices.Build();
        using var model = Create(services, "bert4rec", maxLength: 4);
        using var scope = NewDisposeScope();
        // The mask takes the last of 4 positions, so only the 3 newest items count; the oldest item is dropped.
        var history = tensor(new long[,] { { 9, 3, 4, 5 } });
        var otherOldest = tensor(new long[,] { { 12, 3, 4, 5 } });
        var explicitMask = model.EncodeSequences(tensor(new long[,] { { 3, 4, 5, 1 } }), tensor(new[,] { { false, false, false, true } }));
        Assert.True(model.EncodeHistories(history).allclose(explicitMask.select(1, 3), 1e-6, 1e-6));
        Assert.True(model.ScoreAll(history).allclose(model.ScoreAll(otherOldest), 1e-6, 1e-6));
    }

    [Theory]
    [InlineData("sasrec", "bce")]
    [InlineData("sasrec", "bpr")]
    [InlineData("gru4rec", "ce")]
    [InlineData("bert4rec", "sampled-softmax")]
    public void TrainingLossIsFiniteAndReachesTheItemTable(string name, string lossName)
    {
        using var services = TestServices.Build();
        using var model = Create(services, name);
        model.train();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var negatives = new NegativeSampler(CyclicDataset.Create());
        using var scope = NewDisposeScope();
        bool masked = model.Direction == SequenceDirection.Bidirectional;
        var items = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } });
        var batch = new TrainingBatch
        {
            Users = tensor(new long[] { 1, 2 }),
            Items = items,
            Targets = masked ? tensor(new long[,] { { 0, 0, 0, 2, 0, 0 }, { 0, 0, 0, 0, 0, 10 } }) : tensor(new long[,] { { 0, 0, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10, 11 } }),
            MaskedPositions = masked ? tensor(new[,] { { false, false, false, true, false, false }, { false, false, false, false, false, true } }) : null,
        };
        var loss = model.ComputeLoss(batch, catalog.RankingLoss(lossName), negatives);
        Assert.Equal(0, loss.dim());
        Assert.True(float.IsFinite(loss.item<float>()));
        loss.backward();
        var table = model.named_parameters().Single(p => p.name == "item_embeddings.weight").parameter;
        Assert.True(table.grad!.abs().sum().item<float>() > 0);
        // Padding (row 0) never learns.
        Assert.Equal(0f, table.grad![0].abs().sum().item<float>());
    }
}
