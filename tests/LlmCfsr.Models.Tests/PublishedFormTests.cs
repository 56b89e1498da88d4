using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Fusion.CrossAttention;
using LlmCfsr.Losses;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// Pins each method to its published form (LLM-CFSR paper §2.4; LLM-ESR's and LLMEmb's official code): shapes,
/// which parameters train and which tables are frozen, the losses on hand-computed cases and the defaults.
/// Ablation switches are pinned in <see cref="AblationTests"/>.
/// </summary>
public sealed class PublishedFormTests(ITestOutputHelper output)
{
    private static Dictionary<string, Tensor> Parameters(nn.Module model) => model.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);

    [Fact]
    public void LlmCfsrAdapterIsTwoAffineMapsWithoutActivation()
    {
        using var services = TestServices.Build();
        using var model = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr");
        using var scope = NewDisposeScope();
        model.eval();
        var p = Parameters(model);
        var items = tensor(new long[] { 1, 7, 20 });
        var llm = model.SemanticTableOn(CPU)!.index_select(0, items);
        // d_llm = 24 -> 12 -> d = 8, e = W2 (W1 x + b1) + b2.
        Assert.Equal(new long[] { 12, 24 }, p["semantic_adapter.down.weight"].shape);
        Assert.Equal(new long[] { 8, 12 }, p["semantic_adapter.project.weight"].shape);
        var expected = TensorArithmetic.Plus(TensorArithmetic.Plus(llm.matmul(p["semantic_adapter.down.weight"].t()), p["semantic_adapter.down.bias"])
            .matmul(p["semantic_adapter.project.weight"].t()), p["semantic_adapter.project.bias"]);
        Assert.True(model.ItemViews(items).Semantic!.allclose(expected, 1e-4, 1e-5));
    }

    [Fact]
    public void LlmCfsrDefaultsAreThePapers()
    {
        using var services = TestServices.Build();
        using var model = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr");
        var fusion = Assert.IsType<CrossAttentionFusion>(model.Fusion);
        Assert.Equal(4, fusion.Heads);
        Assert.False(fusion.ResidualNorm);
        Assert.Equal("bpr", model.DefaultLoss);
        Assert.Equal(1, services.GetRequiredService<ComponentCatalog>().RankingLoss("bpr").NegativeSamples);
        // d = 64 and 4 heads in the shared SASRec encoder, unless the training options set other sizes.
        var backbone = new TrainingOptions { Model = "llm-cfsr" }.BackboneFor(services.GetRequiredService<ComponentCatalog>().RecommenderModel("llm-cfsr").Options);
        Assert.Equal((64, 4), (backbone.HiddenSize, backbone.Heads));
        // Trainable: adapter, id table, fusion, backbone; the LLM table is frozen (no parameter, not saved).
        Assert.Equal(["collaborative_embeddings", "encoder", "fusion", "semantic_adapter"],
            model.named_parameters().Select(p => p.name.Split('.')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("semantic_table", StringComparison.OrdinalIgnoreCase));
        using var residual = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-residual-fusion");
        Assert.True(Assert.IsType<CrossAttentionFusion>(residual.Fusion).ResidualNorm);
        Assert.False(fusion.KeepOwnSequence);
        using var ownSequence = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-own-sequence");
        var keptFusion = Assert.IsType<CrossAttentionFusion>(ownSequence.Fusion);
        Assert.True(keptFusion.KeepOwnSequence);
        Assert.False(keptFusion.ResidualNorm);
        Assert.Equal(model.named_parameters().Select(p => (p.name, p.parameter.shape)), ownSequence.named_parameters().Select(p => (p.name, p.parameter.shape)));
        Assert.False(keptFusion.GateReadout);
        // The gated variant is the kept-own-sequence form plus one scalar per direction, nothing else.
        using var gated = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-gated");
        var gatedFusion = Assert.IsType<CrossAttentionFusion>(gated.Fusion);
        Assert.True(gatedFusion.KeepOwnSequence && gatedFusion.GateReadout);
        Assert.Equal(["fusion.collaborative_readout_gate", "fusion.semantic_readout_gate"],
            gated.named_parameters().Select(p => p.name).Except(ownSequence.named_parameters().Select(p => p.name)).Order(StringComparer.Ordinal));
        Assert.Equal("bpr", gated.DefaultLoss);
        using var gatedCrossEntropy = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-gated-ce");
        Assert.Equal("ce", gatedCrossEntropy.DefaultLoss);
        Assert.Equal(gated.named_parameters().Select(p => (p.name, p.parameter.shape)), gatedCrossEntropy.named_parameters().Select(p => (p.name, p.parameter.shape)));
        // Positions enter inside the backbone only; our issue-19 variants change that or the loss, nothing else.
        Assert.False(model.PositionsBeforeFusion);
        using var positioned = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-positioned");
        Assert.True(positioned.PositionsBeforeFusion);
        Assert.Equal("bpr", positioned.DefaultLoss);
        Assert.Contains(positioned.named_parameters(), p => p.name.StartsWith("fusion_positions.", StringComparison.Ordinal));
        Assert.DoesNotContain(model.named_parameters(), p => p.name.StartsWith("fusion_positions.", StringComparison.Ordinal));
        using var crossEntropy = (DualViewRecommender)Fixtures.Create(services, "llm-cfsr-ce");
        Assert.Equal("ce", crossEntropy.DefaultLoss);
        Assert.False(crossEntropy.PositionsBeforeFusion);
    }

    [Fact]
    public void LlmEsrUsesTwoHeadsRawEmbeddingsAndBce()
    {
        using var services = TestServices.Build();
        using var model = (DualViewRecommender)Fixtures.Create(services, "llm-esr");
        Assert.Equal(2, Assert.IsType<CrossAttentionFusion>(model.Fusion).Heads);
        Assert.Null(model.DefaultLoss);
        Assert.Equal(10, new LlmEsrOptions().Neighbours);
        Assert.Equal(0.1, new LlmEsrOptions().DistillationWeight);
        // Raw embeddings: the semantic table is --raw-embeddings (Fixtures gives them another seed than --embeddings).
        using var scope = NewDisposeScope();
        var raw = Fixtures.RandomItemEmbeddings(Fixtures.Small, seed: 3, encoder: "raw").ToTensor(withPaddingRow: true);
        Assert.True(model.SemanticTableOn(CPU)!.allclose(raw));
    }

    [Fact]
    public void LlmEsrDistilsFromNeighboursOnTheirTrainingInputSequences()
    {
        using var services = TestServices.Build(("LlmCfsr:Models:llm-esr:Neighbours", "3"));
        var dataset = Fixtures.Small;
        using var model = (DualViewRecommender)Fixtures.Create(services, "llm-esr");
        var distillation = model.SelfDistillation!;
        using var scope = NewDisposeScope();
        model.eval();
        int maxLength = Fixtures.TinyBackbone.MaxLength;
        var inputs = distillation.TrainingInputTable;
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            // The training items but the last (the training target), newest MaxLength, left-padded.
            var training = dataset.TrainingSequence(user).ToArray();
            var expected = training[..^1].TakeLast(maxLength).Select(i => (long)i).ToArray();
            var row = inputs[user].data<long>().ToArray();
            Assert.Equal(expected, row[^expected.Length..]);
            Assert.All(row[..^expected.Length], v => Assert.Equal(0L, v));
        }

        // The teacher: the mean of each neighbour's state, encoded one by one (the naive form) equals the batched one.
        var users = tensor(new long[] { 1, 5, 9, 12 });
        var neighbours = distillation.NeighbourTable.index_select(0, users);
        var naive = stack(Enumerable.Range(0, 4).Select(b =>
            stack(neighbours[b].data<long>().ToArray().Select(n => model.EncodeHistories(inputs[n].unsqueeze(0)).squeeze(0)).ToArray()).mean([0])).ToArray());
        Assert.True(distillation.TeacherStates(model, users).allclose(naive, 1e-4, 1e-5));

        // The loss: 0.1 · MSE(student, teacher), where a causal training batch's last state is the student.
        var batchItems = inputs.index_select(0, users);
        var batch = new TrainingBatch { Users = users, Items = batchItems, Targets = zeros_like(batchItems) };
        var student = model.EncodeHistories(batchItems);
        var expectedTerm = TensorArithmetic.Square(student - naive).mean().item<float>() * 0.1f;
        Assert.Equal(expectedTerm, distillation.Compute(model, users, student).item<float>(), 5);
        Assert.Equal(0, model.parameters().Count(p => p.requires_grad == false));
    }

    [Fact]
    public void LlmEmbAlignsTargetItemsWithTheSoftTargetLossAtTauTwo()
    {
        using var services = TestServices.Build();
        using var model = (LlmEmbRecommender)Fixtures.Create(services, "llmemb");
        Assert.Equal(0.01, new LlmEmbOptions().AlignmentWeight);
        Assert.Equal(2.0, new LlmEmbOptions().Temperature);
        // Trainable: the adapter and the backbone; the LLM table and the teacher's table are frozen and unsaved.
        Assert.Equal(["backbone", "semantic_adapter"], model.named_parameters().Select(p => p.name.Split('.')[0]).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(model.parameters().Sum(p => p.numel()), model.state_dict().Values.Sum(t => t.numel()));
        var batch = new TrainingBatch
        {
            Users = tensor(new long[] { 1, 2 }),
            Items = tensor(new long[,] { { 0, 1, 2 }, { 3, 4, 5 } }),
            Targets = tensor(new long[,] { { 0, 2, 3 }, { 4, 5, 5 } }),
        };
        using var scope = NewDisposeScope();
        model.eval();
        // Every target position (duplicates included): 2, 3, 4, 5, 5.
        var targets = tensor(new long[] { 2, 3, 4, 5, 5 });
        var expected = SoftTargetContrastiveLoss.Compute(model.TeacherTableOn(CPU).index_select(0, targets), model.ItemRepresentations(targets), 2.0);
        Assert.Equal(expected.item<float>(), model.AlignmentLoss(batch).item<float>(), 5);
    }

    [Fact]
    public void SoftTargetContrastiveLossMatchesAHandComputedCase()
    {
        // X = [[1,0],[0,1],[1,1]], Y = [[1,0],[0,2],[0,0]], τ = 2.
        // logits = X·Yᵀ/τ = [[.5,0,0],[0,1,0],[.5,1,0]]; target similarities (X·Xᵀ + Y·Yᵀ)/2·τ = [[2,0,1],[0,5,1],[1,1,2]],
        // targets = their row softmax. Loss = mean over rows of (CE(logits, T) + CE(logitsᵀ, Tᵀ))/2 = 0.9771031
        // (each CE_i = −Σ_j T_ij log softmax(row i)_j, summed by hand over the 3 × 3 entries).
        using var scope = NewDisposeScope();
        var x = tensor(new float[,] { { 1, 0 }, { 0, 1 }, { 1, 1 } });
        var y = tensor(new float[,] { { 1, 0 }, { 0, 2 }, { 0, 0 } });
        Assert.Equal(0.9771031f, SoftTargetContrastiveLoss.Compute(x, y, 2.0).item<float>(), 5);
        // A learnable temperature receives a gradient.
        var tau = tensor(3f, requires_grad: true);
        SoftTargetContrastiveLoss.Compute(x, y, tau).backward();
        Assert.NotEqual(0f, tau.grad!.item<float>());
    }

    [Fact]
    public void LlmCfsrKeepsThePositionalSignalInIdOnlySasRecsRange()
    {
        // What the shared backbone receives (the fused views, scaled by √d inside SASRec) against its positional
        // embeddings, at initialisation on a 1,000-item catalogue with L2-normalised 384-d "LLM" embeddings (the shape
        // and scale of MiniLM's): the ratio of mean row norms must stay within a factor 4 of id-only SASRec's on the
        // same data and sizes. Before the paper's form, a LayerNorm output (unit variance) made it ~25x SASRec's.
        var dataset = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 200, Items = 1000, Topics = 8, Seed = 3 }).Dataset;
        var settings = new SequenceEncoderSettings { HiddenSize = 64, MaxLength = 50, Layers = 2, Heads = 1, Dropout = 0.2 };
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var scope = NewDisposeScope();
        var raw = randn(new long[] { dataset.ItemCount, 384 }, generator: new Generator(4));
        var normalized = nn.functional.normalize(raw, p: 2, dim: 1);
        var embeddings = new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, 384, normalized.data<float>().ToArray(),
            new ItemEmbeddingFingerprint("unit", "unit", EmbeddingPooling.Mean, "generic", true) { FineTuned = true, Objective = ItemEmbeddingFingerprint.CftObjective });
        using var context = RecommenderModelInputs.From(dataset, settings, embeddings);
        var items = randint(1, dataset.ItemCount + 1, new long[] { 32, 50 }, generator: new Generator(5));
        double scale = Math.Sqrt(settings.HiddenSize);

        manual_seed(1);
        using var sasrec = RecommenderModels.Create(catalog, "sasrec", context);
        double idOnly = RowNorm(sasrec.ItemRepresentations(items)) * scale / RowNorm(sasrec.get_parameter("backbone.positions.weight")!);

        manual_seed(1);
        using var cfsr = (DualViewRecommender)RecommenderModels.Create(catalog, "llm-cfsr", context);
        cfsr.eval();
        var fused = cfsr.Fusion.FuseSequences(cfsr.ItemViews(items), ItemIds.IsReal(items), causal: true);
        double positions = RowNorm(cfsr.get_parameter("encoder.positions.weight")!);
        double semantic = RowNorm(fused.Semantic!) * scale / positions, collaborative = RowNorm(fused.Collaborative!) * scale / positions;
        output.WriteLine($"input/position norm ratio: sasrec {idOnly:F2}, llm-cfsr semantic {semantic:F2}, collaborative {collaborative:F2}");
        Assert.InRange(semantic, idOnly / 4, idOnly * 4);
        Assert.InRange(collaborative, idOnly / 4, idOnly * 4);

        // The residual variant's LayerNorm output (unit variance, times √d) is what swamps the positions.
        manual_seed(1);
        using var residual = (DualViewRecommender)RecommenderModels.Create(catalog, "llm-cfsr-residual-fusion", context);
        residual.eval();
        var normalised = residual.Fusion.FuseSequences(residual.ItemViews(items), ItemIds.IsReal(items), causal: true);
        double swamped = RowNorm(normalised.Semantic!) * scale / RowNorm(residual.get_parameter("encoder.positions.weight")!);
        output.WriteLine($"llm-cfsr-residual-fusion semantic {swamped:F2}");
        Assert.True(swamped > idOnly * 4, $"residual variant ratio {swamped:F2} vs id-only {idOnly:F2}");
    }

    private static double RowNorm(Tensor rows) => rows.detach().reshape(-1, rows.shape[^1]).norm(1).mean().item<float>();
}
