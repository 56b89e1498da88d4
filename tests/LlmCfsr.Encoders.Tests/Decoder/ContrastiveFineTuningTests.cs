using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Prompts;
using LlmCfsr.Storage;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

[Collection(TorchRandomStateCollection.Name)]
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
    [InlineData(ContrastiveObjective.CfsrPaper, ContrastiveSimilarity.InnerProduct, false)]
    [InlineData(ContrastiveObjective.CfsrPaper, ContrastiveSimilarity.Cosine, false)]
    [InlineData(ContrastiveObjective.InfoNce, ContrastiveSimilarity.Cosine, false)]
    [InlineData(ContrastiveObjective.SupervisedContrastive, ContrastiveSimilarity.Cosine, true)]
    [InlineData(ContrastiveObjective.Scft, ContrastiveSimilarity.InnerProduct, false)]
    public void Cft_lowers_the_loss_and_pulls_views_of_an_item_together(ContrastiveObjective objective, ContrastiveSimilarity similarity, bool shuffle)
    {
        using var encoder = OpenStories260K();
        torch.manual_seed(3);
        encoder.AddLora(new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0 });
        var views = new AttributeViewOptions { DropProbability = 0.2, ViewCount = 2, Shuffle = shuffle };
        var options = new ContrastiveFineTuningOptions
        {
            Epochs = 25, BatchSize = 8, LearningRate = 1e-2, MaxTokens = 48, Objective = objective, Similarity = similarity, InitialTemperature = 0.5, Seed = 5,
        };
        // Held-out views, drawn once with their own seed, measure the effect of training.
        var evaluation = objective == ContrastiveObjective.Scft
            ? new ShuffleDropViews(seed: 99).RenderBatch(Items, ItemPromptTemplates.Generic)
            : new AttributeViewGenerator(views, seed: 99).RenderBatch(Items, ItemPromptTemplates.Generic);
        var (lossBefore, gapBefore) = Measure(encoder, evaluation, options, options.InitialTemperature);

        var progress = new List<ContrastiveTrainingProgress>();
        var result = ContrastiveFineTuner.Train(encoder, Items, ItemPromptTemplates.Generic, views, options, new SynchronousProgress(progress.Add));
        // The loss is measured at the temperature each model uses: with raw inner products the embedding norms train
        // together with τ, so only the learned τ gives the trained model's own loss (before training, τ is the initial one).
        var (lossAfter, gapAfter) = Measure(encoder, evaluation, options, result.Temperature);

        Assert.Equal(25, result.Losses.Count);
        Assert.Equal(Enumerable.Range(1, 25), progress.Select(p => p.Step));
        Assert.Equal(25, progress[^1].Epoch);
        Assert.True(progress.All(p => p.ItemsPerSecond > 0));
        Assert.True(result.Losses.TakeLast(5).Average() < result.Losses.Take(5).Average(), $"training loss {result.Losses.Take(5).Average()} -> {result.Losses.TakeLast(5).Average()}");
        Assert.True(lossAfter < lossBefore, $"held-out {objective} loss {lossBefore} -> {lossAfter}");
        // With cosine, views of the same item end up closer than views of different items, by more than before. With the
        // paper's raw inner products the loss is relative (a softmax over rows whose norms also train), so the absolute
        // gap is not a monotone measure on this tiny model; the held-out loss above is the check there.
        if (similarity == ContrastiveSimilarity.Cosine)
        {
            Assert.True(gapAfter > 0 && gapAfter > gapBefore, $"same-minus-different {similarity} gap {gapBefore} -> {gapAfter}");
        }
    }

    [Fact]
    public void Training_hands_back_torchs_default_generator_and_the_saved_adapter_records_its_objective()
    {
        using var encoder = OpenStories260K();
        encoder.AddLora(new LoraSettings { Rank = 2, TargetModules = new[] { "q", "v" } });
        torch.manual_seed(123);
        using var before = torch.random.get_rng_state();
        var options = new ContrastiveFineTuningOptions { MaxSteps = 1, BatchSize = 4, MaxTokens = 32, Objective = ContrastiveObjective.Scft, InitialTemperature = 3 };
        ContrastiveFineTuner.Train(encoder, Items, ItemPromptTemplates.Generic, new AttributeViewOptions(), options);
        using var after = torch.random.get_rng_state();
        Assert.True(before.equal(after).all().item<bool>(), "CFT seeds torch's generator for dropout; the caller's state must come back.");

        var folder = TestModels.TempFolder();
        ContrastiveFineTuner.SaveAdapter(encoder, folder, ContrastiveObjective.Scft);
        Assert.Equal(ItemEmbeddingFingerprint.ScftObjective, PeftAdapter.Objective(folder));
        ContrastiveFineTuner.SaveAdapter(encoder, folder, ContrastiveObjective.InfoNce);
        Assert.Equal(ItemEmbeddingFingerprint.CftObjective, PeftAdapter.Objective(folder));
        ChecksumManifest.Verify(folder, [.. PeftAdapter.Files, PeftAdapter.FineTuningFile]);
        Assert.Null(PeftAdapter.Objective(null));
    }

    [Fact]
    public void Checkpoints_are_complete_peft_adapters_and_only_adapters_train()
    {
        using var encoder = OpenStories260K();
        encoder.AddLora(new LoraSettings { Rank = 2, TargetModules = new[] { "q", "v" } });
        var folder = TestModels.TempFolder();
        var options = new ContrastiveFineTuningOptions { Epochs = 3, BatchSize = 4, GradientAccumulationSteps = 2, CheckpointEvery = 2, CheckpointFolder = folder, MaxTokens = 32, LearningRate = 1e-2 };
        var baseWeights = encoder.Model.named_parameters().Where(p => !p.name.Contains("lora_")).ToDictionary(p => p.name, p => p.parameter.clone());
        var loraB = encoder.LoraParameters().First(p => p.Name.EndsWith("lora_B.weight", StringComparison.Ordinal)).Parameter;

        // 8 items, 4 per micro-batch, 2 micro-batches per step: one step per epoch.
        var result = ContrastiveFineTuner.Train(encoder, Items, ItemPromptTemplates.Generic, new AttributeViewOptions(), options);

        Assert.All(baseWeights, p => Assert.True(p.Value.equal(encoder.Model.named_parameters().First(q => q.name == p.Key).parameter).all().item<bool>(), p.Key));
        Assert.True(loraB.abs().max().item<float>() > 0);
        Assert.Equal(encoder.LoraParameters().Sum(p => p.Parameter.numel()) + 1, result.TrainableParameters);
        Assert.Equal(3, result.Losses.Count);
        foreach (var step in new[] { 2, 3 })
        {
            var checkpoint = Path.Combine(folder, $"checkpoint-{step}");
            Assert.True(File.Exists(Path.Combine(checkpoint, "adapter_model.safetensors")));
            Assert.True(File.Exists(Path.Combine(checkpoint, "adapter_config.json")));
            Assert.True(File.Exists(Path.Combine(checkpoint, ChecksumManifest.FileName)));
        }
        Assert.False(Directory.Exists(Path.Combine(folder, "checkpoint-1")));
        Assert.Equal(Path.Combine(folder, "checkpoint-3"), ContrastiveFineTuner.LatestCheckpoint(folder));
        Assert.Empty(Directory.GetDirectories(folder, ".*"));

        // A checkpoint whose file no longer matches its manifest is not offered for resuming.
        File.AppendAllText(Path.Combine(folder, "checkpoint-3", "trainer_state.json"), " ");
        Assert.Equal(Path.Combine(folder, "checkpoint-2"), ContrastiveFineTuner.LatestCheckpoint(folder));
    }

    [Fact]
    public void Resuming_from_a_checkpoint_ends_exactly_where_an_uninterrupted_run_ends()
    {
        var options = new ContrastiveFineTuningOptions { Epochs = 4, BatchSize = 3, MaxTokens = 32, LearningRate = 1e-2, Seed = 11 };
        var views = new AttributeViewOptions { DropProbability = 0.3 };
        var lora = new LoraSettings { Rank = 2, Dropout = 0.1 };

        using var straight = OpenStories260K();
        torch.manual_seed(1);
        straight.AddLora(lora);
        var uninterrupted = ContrastiveFineTuner.Train(straight, Items, ItemPromptTemplates.Generic, views, options);

        var folder = TestModels.TempFolder();
        using (var first = OpenStories260K())
        {
            torch.manual_seed(1);
            first.AddLora(lora);
            // 8 items in micro-batches of 3 (the lone last item joins the previous one): 3 steps per epoch, 12 in all.
            using var cancellation = new CancellationTokenSource();
            var progress = new SynchronousProgress(p =>
            {
                if (p.Step == 5)
                {
                    cancellation.Cancel();
                }
            });
            var checkpointed = new ContrastiveFineTuningOptions { Epochs = 4, BatchSize = 3, MaxTokens = 32, LearningRate = 1e-2, Seed = 11, CheckpointFolder = folder };
            Assert.Throws<OperationCanceledException>(() => ContrastiveFineTuner.Train(first, Items, ItemPromptTemplates.Generic, views, checkpointed, progress, cancellation.Token));
        }
        Assert.Equal(Path.Combine(folder, "checkpoint-5"), ContrastiveFineTuner.LatestCheckpoint(folder));

        using var second = OpenStories260K();
        torch.manual_seed(2); // another initialisation: everything must come from the checkpoint
        second.AddLora(lora);
        var resumed = ContrastiveFineTuner.Train(second, Items, ItemPromptTemplates.Generic, views,
            new ContrastiveFineTuningOptions { Epochs = 4, BatchSize = 3, MaxTokens = 32, LearningRate = 1e-2, Seed = 11, CheckpointFolder = folder });

        Assert.Equal(5, resumed.ResumedFromStep);
        Assert.Equal(12, uninterrupted.Losses.Count);
        Assert.Equal(uninterrupted.Losses, resumed.Losses);
        Assert.Equal(uninterrupted.Temperature, resumed.Temperature);
        var expected = straight.LoraParameters().ToDictionary(p => p.Name, p => p.Parameter);
        Assert.All(second.LoraParameters(), p => Assert.True(p.Parameter.equal(expected[p.Name]).all().item<bool>(), p.Name));
    }

    [Fact]
    public void Resuming_with_other_settings_is_refused()
    {
        var folder = TestModels.TempFolder();
        using (var first = OpenStories260K())
        {
            first.AddLora(new LoraSettings { Rank = 2 });
            ContrastiveFineTuner.Train(first, Items, ItemPromptTemplates.Generic, new AttributeViewOptions(),
                new ContrastiveFineTuningOptions { MaxSteps = 1, BatchSize = 4, MaxTokens = 16, CheckpointFolder = folder });
        }
        using var second = OpenStories260K();
        second.AddLora(new LoraSettings { Rank = 2 });
        var error = Assert.Throws<InvalidOperationException>(() => ContrastiveFineTuner.Train(second, Items, ItemPromptTemplates.Generic, new AttributeViewOptions(),
            new ContrastiveFineTuningOptions { MaxSteps = 1, BatchSize = 4, MaxTokens = 16, CheckpointFolder = folder, LearningRate = 1e-3 }));
        Assert.Contains("other settings", error.Message);
    }

    [Fact]
    public void Micro_batches_respect_the_token_budget_and_keep_two_items()
    {
        using var encoder = OpenStories260K();
        encoder.AddLora(new LoraSettings { Rank = 2 });
        var seen = new List<int>();
        var options = new ContrastiveFineTuningOptions { BatchSize = 8, TokenBudget = 4 * 2 * 20, MaxTokens = 20 };
        var plan = new MicroBatchPlan(encoder, Items, Enumerable.Range(0, Items.Length).ToArray(), ItemPromptTemplates.Generic, new AttributeViewOptions(), options);
        for (int micro = 0; micro < plan.MicroBatchCount; micro++)
        {
            var tokens = plan.Tokens(micro);
            int longest = tokens.SelectMany(v => v).Max(t => t.Length);
            Assert.True(tokens[0].Count >= 2);
            Assert.True(tokens[0].Count * 2 * longest <= options.TokenBudget, $"micro-batch {micro}: {tokens[0].Count} items x 2 views x {longest} tokens");
            seen.AddRange(Enumerable.Repeat(micro, tokens[0].Count));
        }
        Assert.Equal(Items.Length, seen.Count);
        Assert.True(plan.MicroBatchCount >= 2, "the budget of 4 items at 20 tokens must split 8 items");
    }

    [Fact]
    public void Cfsr_paper_loss_matches_a_hand_computed_three_item_batch()
    {
        // Views a = [(1,0), (0,1), (1,1)], b = [(1,0), (0,1), (1,-1)], τ = 1, so S = a·bᵀ =
        //   [ 1  0  1 ]
        //   [ 0  1 -1 ]
        //   [ 1  1  0 ]
        // Direction a→b, row i: −S_ii + ln Σ_{k≠i} e^{S_ik} (the positive is not in the denominator):
        //   i=1: −1 + ln(e⁰ + e¹) = −1 + ln(1+e);  i=2: −1 + ln(e⁰ + e⁻¹) = −1 + ln(1+1/e);  i=3: −0 + ln(e¹ + e¹) = 1 + ln 2
        //   L¹ = (−1 + ln(1+e) + ln(1+1/e) + ln 2) / 3 = (−1 + 1.3132617 + 0.3132617 + 0.6931472) / 3 = 0.4398902
        // Direction b→a, column j: −S_jj + ln Σ_{k≠j} e^{S_kj}:
        //   j=1: −1 + ln(e⁰ + e¹);  j=2: −1 + ln(e⁰ + e¹);  j=3: −0 + ln(e¹ + e⁻¹) = ln 3.0861613 = 1.1269280
        //   L² = (−2 + 2·1.3132617 + 1.1269280) / 3 = 0.5844838
        // L = L¹ + L² (a sum, not a mean) = 1.0243740.
        var a = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }, new long[] { 3, 2 });
        var b = torch.tensor(new float[] { 1, 0, 0, 1, 1, -1 }, new long[] { 3, 2 });
        Assert.Equal(1.0243740, ContrastiveLoss.CfsrPaper(new[] { a, b }, torch.tensor(1.0f)).item<float>(), 5);
        // τ = 0.5 doubles every logit; row 3 becomes −0 + ln(e² + e²) = 2 + ln 2, so L¹ = (−2 + ln(1+e²) + ln(1+e⁻²) + ln 2) / 3:
        //   row1 −2 + ln(1+e²) = −2 + 2.1269280 = 0.1269280; row2 −2 + ln(1+e⁻²) = −2 + 0.1269280 = −1.8730720; row3 2.6931472
        //   L¹ = 0.9470032 / 3 = 0.3156677
        //   columns: −2 + ln(1+e²) twice = 0.1269280 each; column 3: ln(e² + e⁻²) = ln 7.5243914 = 2.0181499
        //   L² = 2.2720059 / 3 = 0.7573353;  L = 1.0730030.
        Assert.Equal(1.0730030, ContrastiveLoss.CfsrPaper(new[] { a, b }, torch.tensor(2.0f)).item<float>(), 5);
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
        // The paper's loss on the same batch: each row's only negative has logit 0, so each direction is −s + 0 = −2; L = −4.
        Assert.Equal(-4.0, ContrastiveLoss.CfsrPaper(new[] { a, a.clone() }, scale).item<float>(), 5);
    }

    [Fact]
    public void Scft_objective_is_llmembs_soft_target_loss_at_temperature_one_over_the_scale()
    {
        // X = Y = [e1, e2] at τ = 2 (logit scale 0.5). Logits X·Yᵀ/τ = I/2; targets softmax((X·Xᵀ + Y·Yᵀ)/2 · τ) =
        // softmax(2·I) row-wise = (e²/(1+e²), 1/(1+e²)). Row 1: −[t₁(½ − ln(1+√e)) + t₂(−ln(1+√e))] = ln(1+√e) − ½·e²/(1+e²)
        //   = 0.9740769 − 0.4403985 = 0.5336784; row 2 and the transposed direction are the same by symmetry.
        var a = torch.tensor(new float[] { 1, 0, 0, 1 }, new long[] { 2, 2 });
        var scale = torch.tensor(0.5f);
        Assert.Equal(0.5336784, ContrastiveLoss.Of(ContrastiveObjective.Scft, new[] { a, a.clone() }, scale).item<float>(), 5);
        Assert.Throws<ArgumentException>(() => ContrastiveLoss.Of(ContrastiveObjective.Scft, new[] { a, a.clone(), a.clone() }, scale));
        // The dispatch gives every other objective its own loss.
        Assert.Equal(ContrastiveLoss.CfsrPaper(new[] { a, a.clone() }, scale).item<float>(), ContrastiveLoss.Of(ContrastiveObjective.CfsrPaper, new[] { a, a.clone() }, scale).item<float>());
    }

    [Fact]
    public void Length_sorted_chunks_embed_exactly_like_one_padded_batch_and_keep_the_graph()
    {
        using var encoder = OpenStories260K();
        torch.manual_seed(4);
        encoder.AddLora(new LoraSettings { Rank = 2, Dropout = 0 });
        using (torch.no_grad())
        {
            foreach (var (_, parameter) in encoder.LoraParameters())
            {
                parameter.normal_(0, 0.05); // a non-zero update, so the adapters take part in what is compared
            }
        }
        encoder.SetTraining(false);
        // 80 sequences of 1 to 60 tokens in shuffled order: several chunks of different padded lengths.
        var random = new Random(8);
        var sequences = Enumerable.Range(0, 80).Select(i => Enumerable.Range(0, 1 + (i * 37 % 60)).Select(_ => random.Next(3, 512)).ToArray()).ToList();
        Assert.True(sequences.Sum(s => s.Length) > 2 * LengthSortedEmbedding.ChunkTokens);

        using var scope = torch.NewDisposeScope();
        var chunked = LengthSortedEmbedding.Embed(encoder, sequences);
        var padded = encoder.Embed(sequences);

        Assert.Equal(padded.shape, chunked.shape);
        Assert.True(chunked.allclose(padded, rtol: 1e-4, atol: 1e-5), $"largest difference {(chunked - padded).abs().max().item<float>()}");
        using var two = 2.ToScalar();
        chunked.pow(two).sum().backward();
        Assert.All(encoder.LoraParameters(), p => Assert.True(p.Parameter.grad is not null && p.Parameter.grad.abs().sum().item<float>() > 0, p.Name));
    }

    private static DecoderTrainableEncoder OpenStories260K()
        => new(DecoderLanguageModel.FromPretrained(TestModels.Stories260K), SentencePieceDecoderTokenizer.Load(Path.Combine(TestModels.Stories260K, "tokenizer.model")), TestModels.Stories260K);

    /// <summary>The run's own loss (at <paramref name="temperature"/>) and the same-minus-different similarity gap (in the run's similarity) on held-out views.</summary>
    private static (double Loss, double Gap) Measure(ITrainableTextEncoder encoder, IReadOnlyList<IReadOnlyList<string>> views, ContrastiveFineTuningOptions options, double temperature)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        encoder.SetTraining(false);
        var raw = views.Select(v => encoder.Embed(v.Select(t => encoder.Tokenize(t, options.MaxTokens)).ToList())).ToArray();
        var normalized = raw.Select(e => nn.functional.normalize(e, p: 2, dim: -1)).ToArray();
        var inLoss = options.Similarity == ContrastiveSimilarity.Cosine ? normalized : raw;
        var scale = torch.tensor((float)(1 / temperature));
        double loss = ContrastiveLoss.Of(options.Objective, inLoss, scale).item<float>();
        var similarities = torch.matmul(inLoss[0], inLoss[1].t());
        long n = similarities.shape[0];
        var diagonal = similarities.diagonal().mean().item<float>();
        var offDiagonal = (similarities.sum().item<float>() - similarities.diagonal().sum().item<float>()) / (n * (n - 1));
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
