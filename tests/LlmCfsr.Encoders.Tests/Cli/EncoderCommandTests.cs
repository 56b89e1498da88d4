using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Cli.Commands;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Encoders.Bert;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Storage;

namespace LlmCfsr.Encoders.Tests.Cli;

public sealed class EncoderCommandTests
{
    [Fact]
    public void Encoder_check_greedy_decodes_the_stories260K_fixture()
    {
        var (code, output, error) = Run("encoder", "check", "--model", TestModels.Stories260K, "--max-new-tokens", "60");

        Assert.True(code == 0, error);
        Assert.Contains("llama, 5 layers, hidden 64, heads 8/4, vocab 512", output);
        // 60 tokens of the llama2.c reference end inside "...One day, she saw a big, red ball".
        Assert.Contains("Once upon a time, there was a little girl named Lily. She loved to play outside in the park.", output);
    }

    [Fact]
    public void Encoder_check_reads_a_qwen2_checkpoint_with_tokenizer_json()
    {
        var folder = Decoder.Qwen25EncoderTests.WriteTinyQwen();

        var (code, output, error) = Run("encoder", "check", "--model", folder, "--prompt", "the cat", "--max-new-tokens", "5");

        Assert.True(code == 0, error);
        Assert.Contains("qwen2, 2 layers, hidden 32, heads 4/2, vocab 264", output);
        Assert.Contains("Prompt:    [257, 32, 99, 259]", output); // "the", then " cat" = bytes Ġ (32), c (99) and the merge "at"
    }

    [Fact]
    public void Encoder_check_reports_a_missing_folder_as_an_error()
    {
        var (code, _, error) = Run("encoder", "check", "--model", Path.Combine(TestModels.TempFolder(), "none"));
        Assert.Equal(1, code);
        Assert.Contains("config.json", error);
    }

    [Fact]
    public void Finetune_writes_a_peft_adapter_that_the_encoder_loads()
    {
        var root = TestModels.TempFolder();
        var data = SaveTinyOffice(root);
        var adapter = Path.Combine(root, "adapter");

        var (code, output, error) = Run("finetune", "--encoder", "llama2", "--model", TestModels.Stories260K, "--data", data, "--out", adapter,
            "--epochs", "2", "--batch-size", "4", "--lora-rank", "2", "--max-tokens", "32", "--lr", "1e-3");

        Assert.True(code == 0, error + output);
        Assert.Contains("Saved adapter", output);
        using var encoder = new Llama2.Llama2SemanticEncoder(new Llama2.Llama2EncoderOptions { ModelPath = TestModels.Stories260K, AdapterPath = adapter });
        using var embeddings = encoder.Encode(new[] { "office item: title is Pen" });
        Assert.Equal(new long[] { 1, 64 }, embeddings.shape);
        Assert.DoesNotContain("adapter=none", encoder.Fingerprint);
        // The default objective is LLM-CFSR's CFT: the adapter records it, and so do the embeddings made with it.
        Assert.Equal(ItemEmbeddingFingerprint.CftObjective, ((ISemanticEncoder)encoder).FineTuningObjective);
        Assert.Equal(ItemEmbeddingFingerprint.CftObjective, ItemEmbeddingFingerprint.Of(encoder, Prompts.ItemPromptTemplates.Generic, normalized: false).Objective);
        Assert.Contains(PeftAdapter.FineTuningFile, ChecksumManifest.Read(adapter).Keys);
    }

    [Fact]
    public void Finetune_scft_says_which_views_it_makes_and_its_embeddings_record_the_scft_objective()
    {
        var root = TestModels.TempFolder();
        var data = SaveTinyOffice(root);
        var adapter = Path.Combine(root, "scft");

        var (code, output, error) = Run("finetune", "--objective", "scft", "--model", TestModels.Stories260K, "--data", data, "--out", adapter,
            "--epochs", "1", "--batch-size", "4", "--lora-rank", "2", "--max-tokens", "32");

        Assert.True(code == 0, error + output);
        // SCFT's views are LLMEmb's shuffle-and-drop pairs, not --drop-prob's random drop: the header says what is done.
        Assert.Contains("2 views, each the attributes shuffled with floor(0.4·K) of K dropped", output);
        Assert.DoesNotContain("drop 0.2", output);
        using var encoder = new Llama2.Llama2SemanticEncoder(new Llama2.Llama2EncoderOptions { ModelPath = TestModels.Stories260K, AdapterPath = adapter });
        var cache = Path.Combine(root, "scft-items.safetensors");
        new ItemEmbeddingGenerator(encoder, Prompts.ItemPromptTemplates.Generic).Generate(PreparedDatasetStore.Load(data), cache);
        var fingerprint = ItemEmbeddingCache.ReadInfo(cache).Fingerprint;
        Assert.Equal((ItemEmbeddingFingerprint.FineTunedKind, ItemEmbeddingFingerprint.ScftObjective), (fingerprint.Kind, fingerprint.Objective));
    }

    [Fact]
    public void Finetune_bert_on_the_packaged_minilm_then_embed_with_the_adapter()
    {
        var root = TestModels.TempFolder();
        var data = Path.Combine(root, "data");
        var items = new[] { ("Stapler", "Swingline"), ("Pen", "Bic"), ("Paper", "Hammermill"), ("Tape", "Scotch") };
        PreparedDatasetStore.Save(new PreparedDataset(
            "office",
            new[] { "u1", "u2" },
            items.Select((_, i) => $"i{i + 1}").ToArray(),
            new[] { new[] { 1, 2, 3 }, new[] { 2, 3, 4 } },
            items.Select(i => new ItemAttributes(new[] { KeyValuePair.Create("title", i.Item1), KeyValuePair.Create("brand", i.Item2) })).ToArray()), data);
        var adapter = Path.Combine(root, "adapter");

        var (code, output, error) = Run("finetune", "--encoder", "bert", "--model", "minilm", "--data", data, "--out", adapter,
            "--epochs", "2", "--batch-size", "4", "--lora-rank", "2", "--max-tokens", "16", "--lr", "1e-2", "--checkpoint-every", "1");

        Assert.True(code == 0, error + output);
        Assert.Contains("Saved adapter", output);
        Assert.True(File.Exists(Path.Combine(adapter, ChecksumManifest.FileName)));
        Assert.True(File.Exists(Path.Combine(adapter, "checkpoints", "checkpoint-2", "optimizer.bin")));
        using var raw = new BertSemanticEncoder(Microsoft.Extensions.Options.Options.Create(new BertEncoderOptions()));
        using var tuned = new BertSemanticEncoder(Microsoft.Extensions.Options.Options.Create(new BertEncoderOptions { AdapterPath = adapter }));
        var texts = new[] { "office item: title is Pen, brand is Bic" };
        using var before = raw.Encode(texts);
        using var after = tuned.Encode(texts);
        Assert.Equal(new long[] { 1, 384 }, after.shape);
        Assert.False(before.allclose(after), "the fine-tuned adapter changes the embedding");
        Assert.NotEqual(raw.Fingerprint, tuned.Fingerprint);
        // Caches made with the adapter record it and are of kind fine-tuned.
        Assert.False(((ISemanticEncoder)raw).IsFineTuned);
        Assert.True(((ISemanticEncoder)tuned).IsFineTuned);
        Assert.StartsWith(Path.GetFullPath(adapter) + "#", tuned.Adapter);

        // Run again: the finished checkpoint is resumed, nothing is trained twice.
        var again = Run("finetune", "--model", "minilm", "--data", data, "--out", adapter,
            "--epochs", "2", "--batch-size", "4", "--lora-rank", "2", "--max-tokens", "16", "--lr", "1e-2", "--checkpoint-every", "1");
        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains("resumed from step 2", again.Output);
    }

    [Fact]
    public void Finetune_said_writes_said_stage_one_item_embeddings_for_every_item()
    {
        var root = TestModels.TempFolder();
        var data = SaveTinyOffice(root);
        var output = Path.Combine(root, "said");

        var (code, text, error) = Run("finetune", "--objective", "said", "--model", TestModels.Stories260K, "--data", data, "--out", output,
            "--epochs", "2", "--batch-size", "4", "--item-dim", "8", "--max-tokens", "32", "--lr", "1e-2");

        Assert.True(code == 0, error + text);
        Assert.Contains("decoder frozen", text);
        var cache = ItemEmbeddingCache.Load(Path.Combine(output, FinetuneCommand.SaidEmbeddingsFile));
        Assert.Equal(ItemEmbeddingFingerprint.SaidStage1Kind, cache.Fingerprint.Kind);
        Assert.Equal(new[] { "i1", "i2", "i3", "i4", "i5" }, cache.ItemOrder);
        Assert.Equal(8, cache.Dimension);
        Assert.StartsWith("said-stage1|llama|", cache.Fingerprint.Encoder);
        Assert.True(File.Exists(Path.Combine(output, "checkpoints", "checkpoint-4", "said_projector.safetensors")));
    }

    [Theory]
    [InlineData("minilm", "needs a decoder LLM")]
    [InlineData(null, "SAID needs SoftTokens >= 1 (got 0)")]
    public void Finetune_said_with_bad_input_fails_in_one_line(string? model, string message)
    {
        var root = TestModels.TempFolder();
        var data = SaveTinyOffice(root);

        var (code, text, error) = Run("finetune", "--objective", "said", "--model", model ?? TestModels.Stories260K, "--data", data, "--out", Path.Combine(root, "said"),
            "--soft-tokens", model is null ? "0" : "1");

        Assert.Equal(1, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Saved", text);
    }

    private static string SaveTinyOffice(string root)
    {
        var data = Path.Combine(root, "data");
        var items = new[] { ("Stapler", "Swingline"), ("Pen", "Bic"), ("Paper", "Hammermill"), ("Tape", "Scotch"), ("Folder", "Smead") };
        PreparedDatasetStore.Save(new PreparedDataset(
            "office",
            new[] { "u1", "u2" },
            items.Select((_, i) => $"i{i + 1}").ToArray(),
            new[] { new[] { 1, 2, 3 }, new[] { 3, 4, 5 } },
            items.Select(i => new ItemAttributes(new[] { KeyValuePair.Create("title", i.Item1), KeyValuePair.Create("brand", i.Item2) })).ToArray()), data);
        return data;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
