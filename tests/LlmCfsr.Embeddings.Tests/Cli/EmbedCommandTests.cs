using System.CommandLine;
using LlmCfsr.Cli;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Embeddings.Tests.MiniLM;
using LlmCfsr.Encoders.MiniLM;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Cli;

[Collection(MiniLmCollection.Name)]
public sealed class EmbedCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-embed-cli-").FullName;
    private readonly MiniLmEncoder _reference;

    public EmbedCommandTests(MiniLmEncoderFixture fixture) => _reference = fixture.Encoder;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private string Prepare(PreparedDataset dataset)
    {
        var folder = Path.Combine(_folder, dataset.Name);
        PreparedDatasetStore.Save(dataset, folder);
        return folder;
    }

    [Fact]
    public void Embeds_a_prepared_dataset_with_minilm_by_default()
    {
        var dataset = TestDatasets.Office(9);
        var data = Prepare(dataset);
        var output = Path.Combine(_folder, "office.safetensors");

        var (exit, text, error) = Run("embed", "--data", data, "--out", output, "--batch-size", "4", "--checkpoint-every", "5");

        Assert.True(exit == 0, error);
        Assert.Contains("Embedding 9 items of 'office' with minilm (sentence-transformers/all-MiniLM-L6-v2, 384-d, raw, adapter none)", text);
        Assert.Contains("9/9 items (100%)", text);
        var template = ItemPromptTemplates.ForDataset("office");
        var cache = ItemEmbeddingCache.Load(output, ItemEmbeddingFingerprint.Of(_reference, template, normalized: false), dataset);
        using var expected = _reference.Encode(template.RenderAll(dataset.ItemAttributes));
        Assert.All(expected.data<float>().ToArray().Zip(cache.Values.ToArray()), p => Assert.Equal(p.First, p.Second, 1e-5f));

        // Running it again finds the finished file and leaves it as it is.
        var again = Run("embed", "--encoder", "MiniLM", "--data", data, "--out", output);
        Assert.Equal(0, again.Exit);
        Assert.Contains("9/9 items (100%)", again.Output);
    }

    [Fact]
    public void Refuses_an_existing_cache_made_with_another_template()
    {
        var data = Prepare(TestDatasets.Office(4));
        var output = Path.Combine(_folder, "office.safetensors");
        Assert.Equal(0, Run("embed", "--data", data, "--out", output).Exit);

        var (exit, _, error) = Run("embed", "--data", data, "--out", output, "--template", "beauty");

        Assert.Equal(1, exit);
        Assert.Contains("prompt template", error);
        Assert.Contains("delete it or choose another output path", error);
    }

    [Fact]
    public void Unknown_or_unavailable_encoders_and_misplaced_flags_are_clear_errors()
    {
        var data = Prepare(TestDatasets.Office(4));
        var output = Path.Combine(_folder, "x.safetensors");

        var unknown = Run("embed", "--encoder", "t5", "--data", data, "--out", output);
        Assert.Equal(1, unknown.Exit);
        Assert.Contains("No semantic encoder is registered as 't5'", unknown.Error);
        Assert.Contains("minilm", unknown.Error);

        var modelWithoutEncoder = Run("embed", "--model", _folder, "--data", data, "--out", output);
        Assert.Equal(1, modelWithoutEncoder.Exit);
        Assert.Contains("--encoder bert, llama2 or qwen25", modelWithoutEncoder.Error);

        var minilmWithModel = Run("embed", "--encoder", "minilm", "--model", _folder, "--data", data, "--out", output);
        Assert.Equal(1, minilmWithModel.Exit);
        Assert.Contains("apply to bert", minilmWithModel.Error);
        Assert.Equal(1, Run("embed", "--device", "cuda", "--data", data, "--out", output).Exit);

        var missingData = Run("embed", "--data", Path.Combine(_folder, "nowhere"), "--out", output);
        Assert.Equal(1, missingData.Exit);
        Assert.Contains("nowhere", missingData.Error);
        Assert.False(File.Exists(output));
    }
}
