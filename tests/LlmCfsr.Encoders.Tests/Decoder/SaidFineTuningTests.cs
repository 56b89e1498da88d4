using LlmCfsr.Data;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Prompts;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

/// <summary>SAID's stage 1 on the committed stories260K: the objective, what trains, and that the soft tokens carry each item's text.</summary>
[Collection(TorchRandomStateCollection.Name)]
public sealed class SaidFineTuningTests
{
    private static readonly ItemAttributes[] Items =
    {
        Item("Red Ball", "Toyland"),
        Item("Blue Notebook", "Paperco"),
        Item("Green Tea", "Leafy"),
        Item("Silver Stapler", "Swingline"),
        Item("Wooden Train", "Toyland"),
        Item("Lemon Soap", "Fresh"),
    };

    [Fact]
    public void Stage_one_lowers_the_loss_and_each_items_soft_tokens_make_its_own_text_more_likely_than_another_items()
    {
        using var decoder = OpenStories260K();
        torch.manual_seed(11);
        using var projector = new SaidItemProjector(Items.Length, itemDimension: 16, llmDimension: decoder.Dimension, softTokens: 2);
        var objective = new SaidObjective(decoder, projector);
        var options = new SaidFineTuningOptions { SoftTokens = 2, ItemDimension = 16, Epochs = 100, BatchSize = 6, LearningRate = 2e-2, MaxTokens = 64, Seed = 3 };
        var texts = Items.Select(item => objective.TextTokens(ItemPromptTemplates.Generic.Render(item), options.MaxTokens)).ToArray();
        var ownBefore = OwnMinusOther(objective, texts);

        var progress = new List<SaidTrainingProgress>();
        var result = SaidFineTuner.TrainObjective(objective, decoder, Items, ItemPromptTemplates.Generic, options, new SynchronousProgress<SaidTrainingProgress>(progress.Add), default);

        Assert.Equal(100, result.Losses.Count);
        Assert.Equal(Enumerable.Range(1, 100), progress.Select(p => p.Step));
        Assert.True(result.Losses.TakeLast(3).Average() < result.Losses.Take(3).Average() - 0.5, $"loss {result.Losses.Take(3).Average()} -> {result.Losses.TakeLast(3).Average()}");
        // Every item's text costs fewer nats per token after its own soft tokens than after any other item's: the
        // soft tokens (hence the id embeddings) identify the item's text. Before training the projector ignores the
        // item (random tables give no such margin).
        var ownAfter = OwnMinusOther(objective, texts);
        Assert.All(Enumerable.Range(0, Items.Length), i => Assert.True(ownAfter[i] > 0, $"item {i + 1}: other-minus-own loss {ownAfter[i]} (before training {ownBefore[i]})"));
        Assert.Equal(Items.Length * 16, result.ItemEmbeddings.Length);
        Assert.Equal(projector.ItemTable.narrow(0, 1, Items.Length).data<float>().ToArray(), result.ItemEmbeddings);
    }

    [Fact]
    public void Training_hands_back_torchs_default_generator_as_it_found_it()
    {
        using var decoder = OpenStories260K();
        torch.manual_seed(123);
        using var before = torch.random.get_rng_state();
        SaidFineTuner.Train(decoder, Items, ItemPromptTemplates.Generic, new SaidFineTuningOptions { ItemDimension = 8, MaxSteps = 1, BatchSize = 6, MaxTokens = 16, Seed = 3 });
        using var after = torch.random.get_rng_state();
        Assert.True(before.equal(after).all().item<bool>(), "SAID's stage 1 seeds torch's generator; the caller's state must come back.");
    }

    [Fact]
    public void Gradients_reach_the_id_table_and_the_projector_but_not_the_frozen_decoder()
    {
        using var decoder = OpenStories260K();
        torch.manual_seed(5);
        using var projector = new SaidItemProjector(Items.Length, itemDimension: 8, llmDimension: decoder.Dimension, softTokens: 1);
        var objective = new SaidObjective(decoder, projector);
        var options = new SaidFineTuningOptions { Epochs = 1, MaxSteps = 1, BatchSize = 2, LearningRate = 1e-3, MaxTokens = 16 };
        var decoderBefore = decoder.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter.clone());
        var tableBefore = projector.ItemTable.clone();

        SaidFineTuner.TrainObjective(objective, decoder, Items, ItemPromptTemplates.Generic, options, null, default);

        Assert.All(decoder.Model.named_parameters(), p =>
        {
            Assert.False(p.parameter.requires_grad, p.name);
            Assert.Null(p.parameter.grad);
            Assert.True(p.parameter.eq(decoderBefore[p.name]).all().item<bool>(), p.name);
        });
        Assert.All(projector.named_parameters(), p => Assert.True(p.parameter.grad is not null && p.parameter.grad.abs().sum().item<float>() > 0, p.name));
        // Only the two items of the single step moved (their rows), and the padding row stays zero.
        using var zero = 0.ToScalar();
        var moved = (projector.ItemTable - tableBefore).abs().sum(1);
        Assert.Equal(2, moved.gt(zero).sum().item<long>());
        Assert.Equal(0f, projector.ItemTable[0].abs().sum().item<float>());
    }

    [Fact]
    public void Only_the_text_tokens_and_the_closing_eos_are_targets()
    {
        using var decoder = OpenStories260K();
        torch.manual_seed(7);
        using var projector = new SaidItemProjector(2, itemDimension: 8, llmDimension: decoder.Dimension, softTokens: 3);
        var objective = new SaidObjective(decoder, projector);
        int bos = decoder.Tokenizer.BosTokenId!.Value, eos = decoder.Tokenizer.EosTokenId!.Value;
        var texts = new[] { new[] { 300, 301, eos }, new[] { 302, eos } };
        using var ids = torch.tensor(new long[] { 1, 2 });
        using var noGrad = torch.no_grad();

        var (nll, mask) = objective.TokenLosses(ids, texts);

        // Row 1 is shorter: its third position is padding, neither a target nor counted.
        Assert.Equal(new float[] { 1, 1, 1, 1, 1, 0 }, mask.data<float>().ToArray());
        Assert.Equal(0f, nll[1, 2].item<float>());
        Assert.Equal(4, objective.ContextLength(3)); // BOS + 3 soft tokens precede the text.
        // By hand for item 1: the model reads BOS, its 3 soft tokens, then the text; the logits at the last soft token
        // (position 3) score the first text token, those at position 3 + j the token j + 1, and the EOS is the last target.
        var soft = projector.call(ids.narrow(0, 0, 1)).to(decoder.Model.DType);
        var inputs = torch.cat([decoder.Model.TokenEmbeddings(torch.tensor(new long[] { bos }).unsqueeze(0)), soft, decoder.Model.TokenEmbeddings(torch.tensor(new long[] { 300, 301, eos }).unsqueeze(0))], 1);
        var logProbabilities = nn.functional.log_softmax(decoder.Model.LogitsFromEmbeddings(inputs, torch.ones(1, 7, dtype: ScalarType.Int64))[0], -1);
        var expected = new[] { -logProbabilities[3, 300].item<float>(), -logProbabilities[4, 301].item<float>(), -logProbabilities[5, eos].item<float>() };
        Assert.Equal(expected, nll[0].data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-4);
        // The batch loss is the mean over the five targets.
        Assert.Equal(nll.sum().item<float>() / 5, objective.Loss(ids, texts).item<float>(), 1e-5);
    }

    [Fact]
    public void Text_tokens_drop_the_bos_and_end_with_eos()
    {
        using var decoder = OpenStories260K();
        using var projector = new SaidItemProjector(1, 4, decoder.Dimension, 1);
        var objective = new SaidObjective(decoder, projector);
        var plain = decoder.Tokenizer.Encode("Red Ball").ToArray();

        var tokens = objective.TextTokens("Red Ball", maxTokens: 64);

        Assert.Equal(decoder.Tokenizer.BosTokenId, plain[0]);
        Assert.Equal([.. plain.Skip(1), decoder.Tokenizer.EosTokenId!.Value], tokens);
    }

    [Fact]
    public void An_encoder_that_is_no_decoder_is_refused()
    {
        var encoder = new NotADecoder();
        var error = Assert.Throws<ArgumentException>(() => SaidFineTuner.Train(encoder, Items, ItemPromptTemplates.Generic, new SaidFineTuningOptions()));
        Assert.Contains("needs a decoder LLM", error.Message);
    }

    /// <summary>Per item, (mean loss of its text after the other items' soft tokens) - (after its own), minimised over the others.</summary>
    private static double[] OwnMinusOther(SaidObjective objective, int[][] texts)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int n = texts.Length;
        var loss = new double[n, n]; // [text item, soft-token item]
        for (int soft = 0; soft < n; soft++)
        {
            var ids = torch.tensor(Enumerable.Repeat((long)soft + 1, n).ToArray());
            var (nll, mask) = objective.TokenLosses(ids, texts);
            var perRow = nll.sum(1).div(mask.sum(1)).data<float>().ToArray();
            for (int text = 0; text < n; text++)
            {
                loss[text, soft] = perRow[text];
            }
        }
        return Enumerable.Range(0, n).Select(t => Enumerable.Range(0, n).Where(s => s != t).Min(s => loss[t, s]) - loss[t, t]).ToArray();
    }

    private static DecoderTrainableEncoder OpenStories260K()
        => new(DecoderLanguageModel.FromPretrained(TestModels.Stories260K), SentencePieceDecoderTokenizer.Load(Path.Combine(TestModels.Stories260K, "tokenizer.model")), TestModels.Stories260K);

    private static ItemAttributes Item(string title, string brand)
        => new(new[] { KeyValuePair.Create("title", title), KeyValuePair.Create("brand", brand) });

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>A trainable encoder of another family (BERT-like): SAID cannot generate text with it.</summary>
    private sealed class NotADecoder : ITrainableTextEncoder
    {
        public string Family => "bert";
        public string BaseModelName => "minilm";
        public int Dimension => 4;
        public Device Device => CPU;
        public bool NormalizesEmbeddings => true;
        public IReadOnlyList<string> LoraTargetModules => [];
        public LoraSettings? Lora => null;
        public void AddLora(LoraSettings settings) => throw new NotSupportedException();
        public IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> LoraParameters() => [];
        public int[] Tokenize(string text, int maxTokens) => [1];
        public Tensor Embed(IReadOnlyList<int[]> tokens) => torch.zeros(tokens.Count, 4);
        public void SetTraining(bool training)
        {
        }
        public void SaveLoraAdapter(string folder) => throw new NotSupportedException();
        public void Dispose()
        {
        }
    }
}
