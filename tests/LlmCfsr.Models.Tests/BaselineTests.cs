using LlmCfsr.Embeddings;
using LlmCfsr.Losses;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using LlmCfsr.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>What distinguishes each LLM-based baseline.</summary>
public sealed class BaselineTests
{
    [Fact]
    public void Llm2XKeepsThePcaTableFixedAndTrainsOnlyTheBackbone()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm2x");
        Assert.All(model.named_parameters(), p => Assert.StartsWith("backbone.", p.name));
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.state_dict().Values.Sum(t => t.numel()));
        using var scope = NewDisposeScope();
        var table = ((Llm2XRecommender)model).ItemTableOn(CPU);
        Assert.False(table.requires_grad);
        Assert.Equal(new long[] { Fixtures.Small.ItemCount + 1, Fixtures.TinyBackbone.HiddenSize }, table.shape);
    }

    [Fact]
    public void LlmInitStartsItsTrainableIdTableFromThePcaTable()
    {
        using var services = TestServices.Build();
        var embeddings = Fixtures.RandomItemEmbeddings(Fixtures.Small);
        using var llmInit = Fixtures.Create(services, "llminit", raw: embeddings);
        using var llm2x = Fixtures.Create(services, "llm2x", raw: embeddings);
        using var scope = NewDisposeScope();
        var table = llmInit.get_parameter(IdOnlyRecommender.ItemTableParameter)!;
        Assert.True(table.requires_grad);
        Assert.True(table.allclose(((Llm2XRecommender)llm2x).ItemTableOn(CPU), 1e-6, 1e-7));
    }

    [Fact]
    public void SaidReadsItsStageOneEmbeddingsFrozenThroughAnAdapterByDefault()
    {
        using var services = TestServices.Build();
        var embeddings = Fixtures.ItemEmbeddingsFor(ModelInput.SaidEmbeddings, Fixtures.Small, dimension: 12);
        using var said = Fixtures.Create(services, "said", said: embeddings);
        using var scope = NewDisposeScope();
        // The table is no parameter: only the adapter and the backbone train, and the checkpoint holds no item table.
        Assert.DoesNotContain(said.named_parameters(), p => p.name.StartsWith("item_embeddings", StringComparison.Ordinal));
        Assert.Contains(said.named_parameters(), p => p.name.StartsWith("semantic_adapter", StringComparison.Ordinal));
        Assert.Contains(said.named_parameters(), p => p.name.StartsWith("backbone", StringComparison.Ordinal));
        // Items with the same stage-1 vector get the same representation: the item side is a function of that vector alone.
        using var ids = tensor(new long[] { 3 });
        var table = embeddings.ToTensor(withPaddingRow: true);
        Assert.Equal(new long[] { 1, Fixtures.TinyBackbone.HiddenSize }, said.ItemRepresentations(ids).shape);
        Assert.True(said.WithFrozenTables(new RecommenderModelInputs { ItemCount = Fixtures.Small.ItemCount, Backbone = Fixtures.TinyBackbone })
            .SaidItemEmbeddings!.allclose(table));
    }

    [Fact]
    public void SaidTrainsItsStageOneEmbeddingsWhenAskedStartingFromThem()
    {
        using var services = TestServices.Build(("LlmCfsr:Models:said:TrainItemEmbeddings", "true"));
        var embeddings = Fixtures.ItemEmbeddingsFor(ModelInput.SaidEmbeddings, Fixtures.Small, dimension: 12);
        using var said = Fixtures.Create(services, "said", said: embeddings);
        using var scope = NewDisposeScope();
        var table = said.get_parameter(SaidRecommender.ItemTableParameter)!;
        Assert.True(table.requires_grad);
        Assert.True(table.allclose(embeddings.ToTensor(withPaddingRow: true)));
        using var ids = tensor(new long[] { 1, 2 });
        said.ItemRepresentations(ids).sum().backward();
        Assert.True(table.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void LlmEsrRetrievesTheMostSimilarUsersByCosine()
    {
        using var services = TestServices.Build(("LlmCfsr:Models:llm-esr:Neighbours", "2"));
        var dataset = Fixtures.Small;
        // Hand-made user embeddings: users 1..3 point one way, users 4..6 another (scaled, so cosine ignores length), the rest a third way.
        var values = new float[dataset.UserCount * 2];
        for (int u = 0; u < dataset.UserCount; u++)
        {
            (values[2 * u], values[2 * u + 1]) = u < 3 ? (1f * (u + 1), 0.01f * u) : u < 6 ? (0.01f * u, 2f * u) : (-1f, -1f - 0.001f * u);
        }
        var users = new Embeddings.UserEmbeddingCache(dataset.Name, dataset.Fingerprint, dataset.UserSourceIds, 2, values, "hand", "hand");
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var inputs = RecommenderModelInputs.From(dataset, Fixtures.TinyBackbone, raw: Fixtures.RandomItemEmbeddings(dataset, seed: 3), users: users);
        using var model = (DualViewRecommender)RecommenderModels.Create(catalog, "llm-esr", inputs);
        using var scope = NewDisposeScope();
        var neighbours = model.named_modules().Select(m => m.module).OfType<UserSelfDistillation>().Single().NeighbourTable;
        Assert.Equal(new long[] { dataset.UserCount + 1, 2 }, neighbours.shape);
        Assert.Equal(new long[] { 2, 3 }, neighbours[1].data<long>().Order().ToArray());
        Assert.Equal(new long[] { 1, 3 }, neighbours[2].data<long>().Order().ToArray());
        Assert.Equal(new long[] { 5, 6 }, neighbours[4].data<long>().Order().ToArray());
        Assert.DoesNotContain(7L, neighbours[7].data<long>().ToArray());
    }

    [Fact]
    public void LlmEsrAddsTheWeightedSelfDistillationTerm()
    {
        var dataset = Fixtures.Small;
        var batch = new TrainingBatch
        {
            Users = tensor(new long[] { 1, 2 }),
            Items = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } }),
            Targets = tensor(new long[,] { { 0, 0, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10, 11 } }),
        };
        float Loss(double weight)
        {
            using var services = TestServices.Build(("LlmCfsr:Models:llm-esr:DistillationWeight", weight.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            using var model = Fixtures.Create(services, "llm-esr");
            model.eval();
            using var negatives = new NegativeSampler(dataset);
            using var scope = NewDisposeScope();
            manual_seed(9);
            return model.ComputeLoss(batch, services.GetRequiredService<ComponentCatalog>().RankingLoss("bce"), negatives).item<float>();
        }
        float none = Loss(0), some = Loss(0.1), more = Loss(0.2);
        Assert.True(some > none);
        // The term is linear in its weight (eval mode: no dropout, same negatives).
        Assert.Equal(more - none, 2 * (some - none), 4);
    }

    [Fact]
    public void LlmEmbAlignmentRewardsAdaptedEmbeddingsThatMatchTheTeacher()
    {
        using var services = TestServices.Build();
        using var model = (LlmEmbRecommender)Fixtures.Create(services, "llmemb");
        var batch = new TrainingBatch
        {
            Users = tensor(new long[] { 1 }),
            Items = tensor(new long[,] { { 0, 1, 2, 3, 4, 5 } }),
            Targets = tensor(new long[,] { { 0, 2, 3, 4, 5, 6 } }),
        };
        using var scope = NewDisposeScope();
        model.eval();
        using var end = (Fixtures.Small.ItemCount + 1).ToScalar();
        var adapted = model.ItemRepresentations(TensorArithmetic.Arange(end, ScalarType.Int64, device: null)).detach();
        float random = model.AlignmentLoss(batch).item<float>();
        // A teacher equal to the adapted embeddings aligns better than a random one.
        model.TeacherTableOn(CPU).copy_(adapted);
        float aligned = model.AlignmentLoss(batch).item<float>();
        Assert.True(aligned < random, $"aligned {aligned} vs random {random}");
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.state_dict().Values.Sum(t => t.numel()));
    }
}
