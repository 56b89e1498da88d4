using System.Text.Json;
using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class LoraTests
{
    private static readonly long[,] Ids = { { 1, 5, 9, 17, 33, 60, 2 } };

    [Fact]
    public void Lora_starts_as_identity_and_freezes_the_base_weights()
    {
        using var model = LoadTiny(out _);
        var before = TestModels.Logits(model, Ids);
        model.AddLora(new LoraSettings { Rank = 4, Alpha = 8 });
        model.eval();

        // B starts at zero, so the adapted model computes exactly the base model.
        Assert.True(before.equal(TestModels.Logits(model, Ids)).all().item<bool>());
        var trainable = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToList();
        Assert.Equal(2 * 7 * model.Config.NumHiddenLayers, trainable.Count);
        Assert.All(trainable, name => Assert.Matches(@"^model\.layers\.\d+\.(self_attn|mlp)\.(q|k|v|o|gate|up|down)_proj\.lora_[AB]\.weight$", name));
    }

    [Fact]
    public void Adapter_saves_with_peft_names_and_round_trips()
    {
        using var model = LoadTiny(out var folder);
        model.AddLora(new LoraSettings { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = new[] { "q", "v", "down" } });
        Perturb(model);
        model.eval();
        var adapted = TestModels.Logits(model, Ids);
        var adapter = Path.Combine(TestModels.TempFolder(), "adapter");
        model.SaveLoraAdapter(adapter, "tiny-qwen2");

        var keys = Safetensors.LoadStateDict(Path.Combine(adapter, "adapter_model.safetensors")).Keys.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2 * 3 * model.Config.NumHiddenLayers, keys.Count);
        Assert.Contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", keys);
        Assert.Contains("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight", keys);
        using (var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(adapter, "adapter_config.json"))))
        {
            var root = config.RootElement;
            Assert.Equal("LORA", root.GetProperty("peft_type").GetString());
            Assert.Equal(4, root.GetProperty("r").GetInt32());
            Assert.Equal(8, root.GetProperty("lora_alpha").GetDouble());
            Assert.Equal(new[] { "q_proj", "v_proj", "down_proj" }, root.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("tiny-qwen2", root.GetProperty("base_model_name_or_path").GetString());
        }

        using var reloaded = DecoderLanguageModel.FromPretrained(folder);
        reloaded.LoadLoraAdapter(adapter);
        reloaded.eval();
        Assert.True(adapted.equal(TestModels.Logits(reloaded, Ids)).all().item<bool>());
    }

    [Fact]
    public void Merged_model_gives_the_unmerged_outputs()
    {
        using var model = LoadTiny(out _);
        var baseLogits = TestModels.Logits(model, Ids);
        model.AddLora(new LoraSettings { Rank = 4, Alpha = 16 });
        Perturb(model);
        model.eval();
        var unmerged = TestModels.Logits(model, Ids);
        Assert.True((unmerged - baseLogits).abs().max().item<float>() > 1e-2, "the perturbed adapter should change the outputs");

        model.MergeLora();

        Assert.Null(model.Lora);
        Assert.Empty(model.LoraParameters());
        // W + B·A·s computed once versus x·Wᵀ + (x·Aᵀ)·Bᵀ·s: equal up to float32 reassociation.
        Assert.True(TestModels.Logits(model, Ids).allclose(unmerged, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void Unknown_target_module_is_rejected()
    {
        using var model = LoadTiny(out _);
        var error = Assert.Throws<ArgumentException>(() => model.AddLora(new LoraSettings { TargetModules = new[] { "qkv" } }));
        Assert.Contains("'qkv'", error.Message);
    }

    private static DecoderLanguageModel LoadTiny(out string folder)
    {
        var config = TestModels.TinyConfig("qwen2");
        folder = TestModels.WriteCheckpoint(config, TestModels.RandomWeights(config, seed: 11));
        return DecoderLanguageModel.FromPretrained(folder);
    }

    // Stands in for training: gives every B a random value so the adapter changes the outputs.
    private static void Perturb(DecoderLanguageModel model)
    {
        var generator = new torch.Generator(12);
        using var noGrad = torch.no_grad();
        foreach (var (name, parameter) in model.LoraParameters().Where(p => p.Name.Contains("lora_B", StringComparison.Ordinal)))
        {
            using var scale = 0.05.ToScalar();
            parameter.copy_(torch.randn(parameter.shape, generator: generator).mul(scale));
        }
    }
}
