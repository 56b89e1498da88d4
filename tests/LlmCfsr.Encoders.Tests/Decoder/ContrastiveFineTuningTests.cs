using LlmCfsr.Data;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Prompts;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class ContrastiveFineTuningTests
{
    private static readonly ItemAttributes[] Items =
    {
        Item("Red Ball", "Toyland", "toys", "3"),
        Item("Blue Notebook", "Paperco", "office", "5"),
        Item("Green Tea", "Leafy", "grocery", "7"),
        Item("Silver Stapler", "Swingline", "office", "12"),
        Item("Wooden Train", "Toyland", "toys", "20"),
        Item("Lemon Soap", "Fresh", "beauty", "4"),
        Item("Black Pen", "Paperco", "office", "2"),
        Item("Big Bear", "Softy", "toys", "15"),
    };

    [Theory]
    [InlineData(ContrastiveObjective.InfoNce, false)]
    [InlineData(ContrastiveObjective.SupervisedContrastive, true)]
    public void Cft_lowers_the_loss_and_pulls_views_of_an_item_together(ContrastiveObjective objective, bool shuffle)
    {
        using var model = DecoderLanguageModel.FromPretrained(TestModels.Stories260K);
        using var tokenizer = SentencePieceDecoderTokenizer.Load(Path.Combine(TestModels.Stories260K, "tokenizer.model"));
        torch.manual_seed(3);
        model.AddLora(new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0 });
        var views = new AttributeViewOptions { DropProbability = 0.2, ViewCount = 2, Shuffle = shuffle };
        var options = new ContrastiveFineTuningOptions { Steps = 25, BatchSize = 8, LearningRate = 1e-2, MaxTokens = 48, Objective = objective, Seed = 5 };
        // Held-out views, drawn once with their own seed, measure the effect of training.
        var evaluation = new AttributeViewGenerator(views, seed: 99).RenderBatch(Items, ItemPromptTemplates.Generic);
        var (lossBefore, gapBefore) = Measure(model, tokenizer, evaluation, options);

        var progress = new List<ContrastiveTrainingProgress>();
        var result = ContrastiveFineTuner.Train(model, tokenizer, Items, ItemPromptTemplates.Generic, views, options, new SynchronousProgress(progress.Add));
        var (lossAfter, gapAfter) = Measure(model, tokenizer, evaluation, options);

        Assert.Equal(25, result.Losses.Count);
        Assert.Equal(Enumerable.Range(1, 25), progress.Select(p => p.Step));
        Assert.True(result.Losses.TakeLast(5).Average() < result.Losses.Take(5).Average(), $"training loss {result.Losses.Take(5).Average()} -> {result.Losses.TakeLast(5).Average()}");
        Assert.True(lossAfter < lossBefore, $"held-out InfoNCE {lossBefore} -> {lossAfter}");
        // Views of the same item end up closer (cosine) than views of different items, by more than before.
        Assert.True(gapAfter > 0 && gapAfter > gapBefore, $"same-minus-different cosine gap {gapBefore} -> {gapAfter}");
    }

    [Fact]
    public void Checkpoints_are_written_as_peft_adapters()
    {
        using var model = DecoderLanguageModel.FromPretrained(TestModels.Stories260K);
        using var tokenizer = SentencePieceDecoderTokenizer.Load(Path.Combine(TestModels.Stories260K, "tokenizer.model"));
        model.AddLora(new LoraSettings { Rank = 2, TargetModules = new[] { "q", "v" } });
        var folder = TestModels.TempFolder();
        var options = new ContrastiveFineTuningOptions { Steps = 3, BatchSize = 4, GradientAccumulationSteps = 2, CheckpointEvery = 2, CheckpointFolder = folder, MaxTokens = 32 };

        ContrastiveFineTuner.Train(model, tokenizer, Items, ItemPromptTemplates.Generic, new AttributeViewOptions(), options);

        Assert.True(File.Exists(Path.Combine(folder, "checkpoint-2", "adapter_model.safetensors")));
        Assert.True(File.Exists(Path.Combine(folder, "checkpoint-3", "adapter_config.json")));
        Assert.False(Directory.Exists(Path.Combine(folder, "checkpoint-1")));
    }

    [Fact]
    public void Loss_functions_match_hand_computed_values()
    {
        // Two items, two orthonormal-ish views: A = [e1, e2], B = [e1, e2]. With scale s, each row's logits are
        // (s, 0) with the positive first, so CE = log(1 + e^-s) for InfoNCE; SupCon over 4 views, each anchor has
        // one positive at logit s and two negatives at 0: −log(e^s / (e^s + 2)).
        var a = torch.tensor(new float[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var scale = torch.tensor(2.0f);
        Assert.Equal(Math.Log(1 + Math.Exp(-2)), ContrastiveLoss.InfoNce(new[] { a, a.clone() }, scale).item<float>(), 5);
        Assert.Equal(-Math.Log(Math.Exp(2) / (Math.Exp(2) + 2)), ContrastiveLoss.SupervisedContrastive(new[] { a, a.clone() }, scale).item<float>(), 5);
    }

    private static (double Loss, double Gap) Measure(DecoderLanguageModel model, IDecoderTokenizer tokenizer, IReadOnlyList<IReadOnlyList<string>> views, ContrastiveFineTuningOptions options)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        model.eval();
        var embedded = ContrastiveFineTuner.EmbedViews(model, tokenizer, views, options);
        double loss = ContrastiveLoss.InfoNce(embedded, torch.tensor(1 / 0.07f)).item<float>();
        var cosines = torch.matmul(embedded[0], embedded[1].t());
        long n = cosines.shape[0];
        var diagonal = cosines.diagonal().mean().item<float>();
        var offDiagonal = (cosines.sum().item<float>() - cosines.diagonal().sum().item<float>()) / (n * (n - 1));
        return (loss, diagonal - offDiagonal);
    }

    private static ItemAttributes Item(string title, string brand, string category, string price) => new(new[]
    {
        KeyValuePair.Create("title", title),
        KeyValuePair.Create("brand", brand),
        KeyValuePair.Create("categories", category),
        KeyValuePair.Create("price", price),
    });

    private sealed class SynchronousProgress(Action<ContrastiveTrainingProgress> report) : IProgress<ContrastiveTrainingProgress>
    {
        public void Report(ContrastiveTrainingProgress value) => report(value);
    }
}
