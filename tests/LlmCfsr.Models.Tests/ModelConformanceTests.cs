using LlmCfsr.Losses;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>Every registered model creates, trains a step and scores consistently, on every backbone.</summary>
public sealed class ModelConformanceTests
{
    public static readonly string[] LlmEnhanced =
    [
        "llm2x", "said", "llminit", "llm-esr", "llmemb", "llm-cfsr", "llm-cfsr-no-cft", "llm-cfsr-no-semantic",
        "llm-cfsr-no-collaborative", "llm-cfsr-no-cross-attention", "llm-cfsr-no-sharing", "llm-cfsr-residual-fusion", "llm-cfsr-own-sequence", "llm-cfsr-gated", "llm-cfsr-gated-ce", "llm-cfsr-ce", "llm-cfsr-positioned",
    ];

    /// <summary>The long-tail baselines that start from a trained id-only teacher.</summary>
    public static readonly string[] LongTail = ["cities", "melt"];

    public static TheoryData<string, string> ModelsAndBackbones()
    {
        var data = new TheoryData<string, string>();
        foreach (var backbone in new[] { "sasrec", "gru4rec", "bert4rec" })
        {
            data.Add(backbone, backbone);
            foreach (var model in LlmEnhanced.Concat(LongTail))
            {
                data.Add(model, backbone);
            }
        }
        return data;
    }

    [Fact]
    public void EveryModelIsRegisteredByName()
    {
        using var services = TestServices.Build();
        var names = services.GetRequiredService<ComponentCatalog>().Names(ComponentKind.Model);
        Assert.Equal(new[] { "bert4rec", "gru4rec", "sasrec" }.Concat(LlmEnhanced).Concat(LongTail).Order(StringComparer.Ordinal), names);
    }

    [Theory]
    [MemberData(nameof(ModelsAndBackbones))]
    public void TrainsAStepAndScoresConsistently(string name, string backbone)
    {
        using var services = TestServices.Build(("LlmCfsr:Models:Backbone", backbone));
        using var model = Fixtures.Create(services, name);
        Assert.Equal(services.GetRequiredService<ComponentCatalog>().SequenceEncoder(backbone).Direction, model.Direction);
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var negatives = new NegativeSampler(Fixtures.Small);
        using var scope = NewDisposeScope();
        bool masked = model.Direction == SequenceDirection.Bidirectional;
        var batch = new TrainingBatch
        {
            Users = tensor(new long[] { 1, 2 }),
            Items = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } }),
            Targets = masked ? tensor(new long[,] { { 0, 0, 0, 2, 0, 0 }, { 0, 0, 0, 0, 0, 10 } }) : tensor(new long[,] { { 0, 0, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10, 11 } }),
            MaskedPositions = masked ? tensor(new[,] { { false, false, false, true, false, false }, { false, false, false, false, false, true } }) : null,
        };
        model.train();
        var loss = model.ComputeLoss(batch, catalog.RankingLoss(model.DefaultLoss ?? (masked ? "ce" : "bce")), negatives);
        Assert.Equal(0, loss.dim());
        Assert.True(float.IsFinite(loss.item<float>()), $"{name} on {backbone}: loss {loss.item<float>()}");
        loss.backward();
        var trained = model.parameters().Where(p => p.grad is not null && p.grad.abs().sum().item<float>() > 0).Count();
        Assert.True(trained > 0, $"{name} on {backbone}: no parameter received a gradient.");

        model.eval();
        var histories = tensor(new long[,] { { 0, 0, 0, 0, 0, 3, 4, 5 }, { 1, 2, 3, 4, 5, 6, 7, 8 } });
        var candidates = tensor(new long[,] { { 6, 1, 40 }, { 9, 2, 17 } });
        var all = model.ScoreAll(histories);
        Assert.Equal(new long[] { 2, Fixtures.Small.ItemCount + 1 }, all.shape);
        Assert.True(all.isfinite().all().item<bool>());
        Assert.True(all.gather(1, candidates).allclose(model.ScoreCandidates(histories, candidates), 1e-4, 1e-5), $"{name} on {backbone}: candidate scores differ from full scores.");
    }

    /// <summary>
    /// What histories are scored with (<see cref="SequentialRecommender.EncodeHistories"/>, whose backbones compute only the
    /// last position's row of their last block) is the last state of the whole sequence's pass, for every model but MELT
    /// (whose histories add a transferred correction, tested in <c>TailBaselineTests</c>) on every backbone with two blocks.
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelsAndBackbones))]
    public void HistoriesAreScoredFromTheLastStateOfTheWholeSequence(string name, string backbone)
    {
        if (name == "melt")
        {
            return;
        }
        using var services = TestServices.Build(("LlmCfsr:Models:Backbone", backbone));
        using var model = Fixtures.Create(services, name, Fixtures.TinyBackbone with { Layers = 2 });
        model.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var histories = tensor(new long[,] { { 0, 0, 3, 4, 5 }, { 1, 2, 3, 4, 5 }, { 0, 0, 0, 0, 9 } });
        Tensor whole;
        if (model.Direction == SequenceDirection.Causal)
        {
            whole = model.EncodeSequences(histories);
        }
        else
        {
            // A bidirectional model scores from a masked slot appended after the history.
            var items = cat([histories, ones(3, 1, dtype: ScalarType.Int64)], 1);
            var masked = zeros_like(items, dtype: ScalarType.Bool);
            masked[TensorIndex.Colon, TensorIndex.Single(-1)] = tensor(true);
            whole = model.EncodeSequences(items, masked);
        }
        var last = model.EncodeHistories(histories);
        var expected = whole.select(1, whole.shape[1] - 1);
        Assert.True(last.allclose(expected, 1e-5, 1e-6), $"{name} on {backbone}: largest difference {(last - expected).abs().max().item<float>():G3}");
    }

    [Theory]
    [InlineData("llm2x", "TrainingOptions.RawSemanticEmbeddingsPath")]
    [InlineData("llm-cfsr", "TrainingOptions.SemanticEmbeddingsPath")]
    [InlineData("llm-cfsr-no-cft", "TrainingOptions.RawSemanticEmbeddingsPath")]
    [InlineData("llm-esr", "TrainingOptions.RawSemanticEmbeddingsPath")]
    [InlineData("llmemb", "TrainingOptions.ScftEmbeddingsPath")]
    [InlineData("said", "TrainingOptions.SaidEmbeddingsPath")]
    public void AModelWithoutItsEmbeddingsFailsNamingTheOption(string name, string option)
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var context = RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone);
        var error = Assert.Throws<ArgumentException>(() => RecommenderModels.Create(catalog, name, context));
        Assert.Contains($"Model '{name}' needs", error.Message);
        Assert.Contains(option, error.Message);
    }

    [Fact]
    public void EveryMissingDeclaredInputIsNamedBeforeTraining()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var none = new Training.TrainingOptions();
        ModelInputRequirements.Validate("sasrec", catalog.RecommenderModel("sasrec").Options, none);

        var esr = Assert.Throws<ArgumentException>(() => ModelInputRequirements.Validate("llm-esr", catalog.RecommenderModel("llm-esr").Options, none)).Message;
        Assert.Contains("Model 'llm-esr' needs raw LLM item embeddings", esr);
        Assert.Contains("set TrainingOptions.RawSemanticEmbeddingsPath, TrainingOptions.UserEmbeddingsPath.", esr);
        Assert.DoesNotContain("SemanticEmbeddingsPath,", esr.Replace("RawSemanticEmbeddingsPath", ""));

        var llmemb = catalog.RecommenderModel("llmemb").Options;
        Assert.Equal("sasrec", llmemb.TeacherModel);
        var scft = Path.Combine(Fixtures.TempFolder(), "scft.safetensors");
        Fixtures.ItemEmbeddingsFor(ModelInput.ScftEmbeddings, Fixtures.Small).Save(scft);
        var teacher = Assert.Throws<ArgumentException>(() => ModelInputRequirements.Validate("llmemb", llmemb, none with { ScftEmbeddingsPath = scft })).Message;
        Assert.Equal("Model 'llmemb' needs a finished run of the id-only model sasrec as its teacher: set TrainingOptions.TeacherRunDirectory.", teacher);
        ModelInputRequirements.Validate("llmemb", llmemb, none with { ScftEmbeddingsPath = scft }, provided: ModelInput.TeacherRun);
    }

    [Theory]
    [InlineData("llm-cfsr-no-cft")]
    [InlineData("llm-esr")]
    public void RawEmbeddingModelsNeverFallBackToTheFineTunedOnes(string name)
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var fineTuned = Fixtures.ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Fixtures.Small);
        using var context = RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone, semantic: fineTuned, users: Fixtures.RandomUserEmbeddings(Fixtures.Small));
        var error = Assert.Throws<ArgumentException>(() => RecommenderModels.Create(catalog, name, context));
        Assert.Contains("TrainingOptions.RawSemanticEmbeddingsPath", error.Message);
        Assert.Contains("RecommenderModelInputs.RawSemanticItemEmbeddings", error.Message);

        var wrongKind = Assert.Throws<InvalidDataException>(() => RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone, raw: fineTuned));
        Assert.Contains("RecommenderModelInputs.RawSemanticItemEmbeddings: metadata field 'kind' is 'fine-tuned'", wrongKind.Message);
    }

    [Fact]
    public void LlmEsrAndLlmEmbNameTheirOtherInputs()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        // Without the training-only inputs the models are built (to score, e.g. from a saved run) but refuse to train.
        using var context = RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone,
            raw: Fixtures.RandomItemEmbeddings(Fixtures.Small, seed: 3), scft: Fixtures.ItemEmbeddingsFor(ModelInput.ScftEmbeddings, Fixtures.Small));
        using var negatives = new NegativeSampler(Fixtures.Small);
        using var scope = NewDisposeScope();
        var batch = new TrainingBatch { Users = tensor(new long[] { 1 }), Items = tensor(new long[,] { { 1, 2 } }), Targets = tensor(new long[,] { { 2, 3 } }) };
        var loss = catalog.RankingLoss("bce");
        using var esr = RecommenderModels.Create(catalog, "llm-esr", context);
        Assert.Contains("TrainingOptions.UserEmbeddingsPath", Assert.Throws<InvalidOperationException>(() => esr.ComputeLoss(batch, loss, negatives)).Message);
        using var llmemb = RecommenderModels.Create(catalog, "llmemb", context);
        Assert.Contains("RecommenderModelInputs.TeacherItemEmbeddings", Assert.Throws<InvalidOperationException>(() => llmemb.ComputeLoss(batch, loss, negatives)).Message);
        Assert.Contains("TrainingOptions.TeacherRunDirectory", llmemb.MissingTrainingInput);
        // LLMInit's embeddings only initialise its id table, which a trained model's weights replace.
        using var llmInit = RecommenderModels.Create(catalog, "llminit", RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone));
        Assert.Contains("TrainingOptions.RawSemanticEmbeddingsPath", Assert.Throws<InvalidOperationException>(() => llmInit.ComputeLoss(batch, loss, negatives)).Message);
        using var wrongTeacher = context with { TeacherItemEmbeddings = randn(Fixtures.Small.ItemCount + 1, 4) };
        var error = Assert.Throws<ArgumentException>(() => RecommenderModels.Create(catalog, "llmemb", wrongTeacher));
        Assert.Contains("same --hidden (8)", error.Message);
    }

    [Fact]
    public void ModelOptionsAreValidatedWithTheirKeys()
    {
        using var services = TestServices.Build(
            ("LlmCfsr:Models:AdapterDropout", "1.5"),
            ("LlmCfsr:Models:llm-esr:Neighbours", "0"),
            ("LlmCfsr:Models:llmemb:Temperature", "0"),
            ("LlmCfsr:Models:llm-cfsr-own-sequence:ResidualFusion", "true"),
            ("LlmCfsr:Models:llm-cfsr-no-sharing:GateReadout", "true"),
            ("LlmCfsr:Models:cities:HeldOutHeadShare", "1"),
            ("LlmCfsr:Models:cities:InferencePatience", "0"),
            ("LlmCfsr:Models:cities:InferenceLearningRate", "0"));
        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => services.ValidateLlmCfsrOptions());
        Assert.Contains("LlmCfsr:Models:llm-cfsr:AdapterDropout must be in [0, 1)", error.Message);
        Assert.Contains("LlmCfsr:Models:llm-esr:Neighbours must be positive", error.Message);
        Assert.Contains("LlmCfsr:Models:llmemb:Temperature must be positive", error.Message);
        Assert.Contains("LlmCfsr:Models:llm-cfsr-own-sequence: ResidualFusion and KeepOwnSequence are two forms of the cross-attention; choose one.", error.Message);
        Assert.Contains("LlmCfsr:Models:llm-cfsr-no-sharing: GateReadout gates the read-out of the kept-own-sequence form; set KeepOwnSequence too.", error.Message);
        Assert.Contains("LlmCfsr:Models:cities:HeldOutHeadShare must be in (0, 1) (got 1).", error.Message);
        Assert.Contains("LlmCfsr:Models:cities:InferencePatience must be positive (got 0).", error.Message);
        Assert.Contains("LlmCfsr:Models:cities:InferenceLearningRate must be positive (got 0).", error.Message);
    }
}
