using LlmCfsr.Encoders.Bert;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.MiniLM;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Bert;

public sealed class BertModelTests
{
    // The example sentences of the all-MiniLM-L6-v2 model card, plus item texts of several lengths so that one batch
    // mixes padding (and the [CLS]/[SEP] truncation path at 16 tokens).
    private static readonly string[] Sentences =
    {
        "This is an example sentence",
        "Each sentence is converted",
        "office item: title is Swingline Stapler, brand is Swingline, categories is Office Products > Staplers, price is 12.99",
        "Café déjà vu — naïve résumé!",
        "pen",
    };

    [Theory]
    [InlineData(256)]
    [InlineData(16)]
    public void TorchSharp_bert_matches_the_onnx_runtime_minilm_per_sentence(int maxTokens)
    {
        using var onnx = new MiniLmEncoder(Microsoft.Extensions.Options.Options.Create(new MiniLmEncoderOptions { MaxTokens = maxTokens, Threads = 1 }));
        using var reference = onnx.Encode(Sentences);
        using var bert = new BertSemanticEncoder(Microsoft.Extensions.Options.Options.Create(new BertEncoderOptions { MaxTokens = maxTokens }));
        using var ours = bert.Encode(Sentences, new SemanticEncodingOptions { BatchSize = 8 });

        Assert.Equal(reference.shape, ours.shape);
        var cosines = nn.functional.cosine_similarity(reference, ours, dim: 1).data<float>().ToArray();
        Assert.All(cosines.Select((c, i) => (c, i)), x => Assert.True(x.c >= 0.9999f, $"sentence {x.i}: cosine {x.c}"));
        // Both normalise (the model's sentence-transformers pipeline), so the vectors themselves agree.
        Assert.True((reference - ours).abs().max().item<float>() < 1e-3f);
    }

    [Fact]
    public void Onnx_initialisers_map_to_every_parameter_with_hugging_face_names()
    {
        using var model = BertModel.FromAllMiniLmL6V2();
        var names = model.named_parameters().Select(p => p.name).ToHashSet();
        Assert.Contains("encoder.layer.5.attention.self.query.weight", names);
        Assert.Contains("encoder.layer.0.intermediate.dense.weight", names);
        Assert.Contains("embeddings.LayerNorm.bias", names);
        // 6 layers x 16 tensors + 5 embedding tensors.
        Assert.Equal(6 * 16 + 5, names.Count);
        Assert.Equal(new long[] { 1536, 384 }, model.named_parameters().First(p => p.name == "encoder.layer.0.intermediate.dense.weight").parameter.shape);
    }

    [Fact]
    public void A_hugging_face_folder_round_trips_and_task_heads_are_skipped()
    {
        var config = TinyConfig();
        using var original = BertModel.Create(config);
        var folder = TestModels.TempFolder();
        config.Save(Path.Combine(folder, "config.json"));
        // As BertForMaskedLM saves it: "bert." prefixes plus a pooler and a head the encoder does not use.
        var tensors = original.named_parameters().Select(p => KeyValuePair.Create("bert." + p.name, (Tensor)p.parameter))
            .Append(KeyValuePair.Create("bert.pooler.dense.weight", torch.zeros(8, 8)))
            .Append(KeyValuePair.Create("cls.predictions.bias", torch.zeros(config.VocabSize)));
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);

        using var loaded = BertModel.FromPretrained(folder);
        original.eval();
        var ids = torch.tensor(new long[] { 2, 5, 9, 3, 2, 7, 0, 0 }, new long[] { 2, 4 });
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 0, 0 }, new long[] { 2, 4 });
        using var noGrad = torch.no_grad();
        Assert.True(original.Embed(ids, mask, normalize: false).allclose(loaded.Embed(ids, mask, normalize: false)));
    }

    [Fact]
    public void Mis_shaped_tensors_and_unknown_families_fail_naming_them()
    {
        var config = TinyConfig();
        var folder = TestModels.TempFolder();
        config.Save(Path.Combine(folder, "config.json"));
        using (var model = BertModel.Create(config))
        {
            var tensors = model.named_parameters().Select(p => KeyValuePair.Create(p.name,
                p.name == "encoder.layer.1.output.dense.weight" ? torch.zeros(8, 3) : (Tensor)p.parameter));
            SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors);
        }
        var error = Assert.Throws<InvalidDataException>(() => BertModel.FromPretrained(folder));
        Assert.Contains("'encoder.layer.1.output.dense.weight' in model.safetensors has shape [8, 3], the model expects [8, 16]", error.Message);

        var catalogue = new TrainableTextEncoders(new ITrainableTextEncoderFactory[] { new BertTrainableEncoderFactory(), new Llama2.Llama2TrainableEncoderFactory() });
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"model_type\": \"t5\"}");
        var unknown = Assert.Throws<InvalidDataException>(() => catalogue.FromPretrained(folder));
        Assert.Contains("model_type 't5' is not a supported encoder family; supported: bert, llama", unknown.Message);
        Assert.Equal("llama", TrainableTextEncoders.ReadFamily(TestModels.Stories260K));
        using var stories = catalogue.FromPretrained(TestModels.Stories260K);
        Assert.Equal("llama", stories.Family);
        using var minilm = catalogue.FromPretrained(BertTrainableEncoder.PackagedMiniLm);
        Assert.Equal("bert", minilm.Family);
    }

    [Fact]
    public void Lora_starts_as_the_identity_saves_as_peft_and_merges_without_changing_outputs()
    {
        var config = TinyConfig();
        using var model = BertModel.Create(config);
        model.eval();
        var ids = torch.tensor(new long[] { 2, 5, 9, 3, 2, 7, 3, 0 }, new long[] { 2, 4 });
        var mask = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }, new long[] { 2, 4 });
        using var noGrad = torch.no_grad();
        var before = model.Embed(ids, mask, normalize: false);

        model.AddLora(new LoraSettings { Rank = 2, Alpha = 4, Dropout = 0, TargetModules = BertModel.DefaultLoraTargetModules });
        Assert.True(before.allclose(model.Embed(ids, mask, normalize: false)), "B = 0 at the start");
        Assert.All(model.named_parameters().Where(p => !p.name.Contains(".lora_")), p => Assert.False(p.parameter.requires_grad, p.name));
        // query, key, value and the three dense projections of each of the 2 layers, each with A and B.
        Assert.Equal(2 * 6 * 2, model.LoraParameters().Count);
        foreach (var (_, parameter) in model.LoraParameters().Where(p => p.Name.Contains("lora_B")))
        {
            parameter.normal_(0, 0.1);
        }
        var adapted = model.Embed(ids, mask, normalize: false);
        Assert.False(before.allclose(adapted));

        var folder = TestModels.TempFolder();
        model.SaveLoraAdapter(folder, "tiny-bert");
        var keys = TorchSharp.PyBridge.Safetensors.LoadStateDict(Path.Combine(folder, "adapter_model.safetensors")).Keys.ToList();
        Assert.Contains("base_model.model.encoder.layer.0.attention.self.query.lora_A.weight", keys);
        Assert.Contains("base_model.model.encoder.layer.1.intermediate.dense.lora_B.weight", keys);
        Assert.Contains("\"dense\"", File.ReadAllText(Path.Combine(folder, "adapter_config.json")));

        using var reloaded = BertModel.Create(config);
        reloaded.eval();
        foreach (var (name, parameter) in reloaded.named_parameters())
        {
            parameter.copy_(model.named_parameters().First(p => p.name == name).parameter);
        }
        reloaded.LoadLoraAdapter(folder);
        Assert.True(adapted.allclose(reloaded.Embed(ids, mask, normalize: false), rtol: 1e-5, atol: 1e-6));
        reloaded.MergeLora();
        Assert.Empty(reloaded.LoraParameters());
        Assert.True(adapted.allclose(reloaded.Embed(ids, mask, normalize: false), rtol: 1e-4, atol: 1e-5));
    }

    private static BertConfig TinyConfig() => new()
    {
        VocabSize = 20,
        HiddenSize = 8,
        NumHiddenLayers = 2,
        NumAttentionHeads = 2,
        IntermediateSize = 16,
        MaxPositionEmbeddings = 16,
        TypeVocabSize = 2,
        LayerNormEps = 1e-12,
    };
}
