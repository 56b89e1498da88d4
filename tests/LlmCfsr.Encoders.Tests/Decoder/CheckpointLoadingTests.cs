using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class CheckpointLoadingTests
{
    private static readonly long[,] Ids = { { 1, 5, 9, 17, 33, 60, 2 } };

    [Fact]
    public void Qwen2_with_zero_biases_and_llama_settings_gives_the_llama_output()
    {
        var llama = TestModels.TinyConfig("llama");
        var weights = TestModels.RandomWeights(llama, seed: 1);
        var qwen = TestModels.TinyConfig("qwen2");
        var qwenWeights = new Dictionary<string, Tensor>(weights);
        for (int i = 0; i < qwen.NumHiddenLayers; i++)
        {
            qwenWeights[$"model.layers.{i}.self_attn.q_proj.bias"] = torch.zeros(qwen.NumAttentionHeads * qwen.HeadSize);
            qwenWeights[$"model.layers.{i}.self_attn.k_proj.bias"] = torch.zeros(qwen.KeyValueHeads * qwen.HeadSize);
            qwenWeights[$"model.layers.{i}.self_attn.v_proj.bias"] = torch.zeros(qwen.KeyValueHeads * qwen.HeadSize);
        }

        using var llamaModel = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(llama, weights));
        using var qwenModel = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(qwen, qwenWeights));

        // Adding a zero bias is exact in floating point, so the logits must be bit-identical.
        Assert.True(TestModels.Logits(llamaModel, Ids).equal(TestModels.Logits(qwenModel, Ids)).all().item<bool>());
    }

    [Fact]
    public void Qwen2_loads_qkv_biases_and_they_change_the_output()
    {
        var qwen = TestModels.TinyConfig("qwen2");
        Assert.True(qwen.HasQkvBias);
        var weights = TestModels.RandomWeights(qwen, seed: 2);
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", weights.Keys);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", weights.Keys);
        using var model = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(qwen, weights));
        var loaded = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.True(loaded["model.layers.1.self_attn.v_proj.bias"].equal(weights["model.layers.1.self_attn.v_proj.bias"]).all().item<bool>());

        var zeroed = new Dictionary<string, Tensor>(weights);
        foreach (var name in weights.Keys.Where(n => n.EndsWith("_proj.bias", StringComparison.Ordinal)))
        {
            zeroed[name] = torch.zeros_like(weights[name]);
        }
        using var withoutBias = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(qwen, zeroed));
        Assert.True((TestModels.Logits(model, Ids) - TestModels.Logits(withoutBias, Ids)).abs().max().item<float>() > 1e-3);
    }

    [Fact]
    public void Tied_embeddings_use_the_embedding_matrix_as_output_head()
    {
        var config = TestModels.TinyConfig(tied: true);
        var weights = TestModels.RandomWeights(config, seed: 3);
        Assert.DoesNotContain("lm_head.weight", weights.Keys);
        using var model = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, weights));
        using var noGrad = torch.no_grad();
        var ids = torch.tensor(Ids);
        var hidden = model.HiddenStates(ids, torch.ones_like(ids));
        var expected = torch.matmul(hidden, weights["model.embed_tokens.weight"].t());
        Assert.True(model.call(ids, torch.ones_like(ids)).allclose(expected, rtol: 1e-5, atol: 1e-6));

        var untied = TestModels.TinyConfig(tied: false);
        var untiedWeights = TestModels.RandomWeights(untied, seed: 3);
        Assert.Contains("lm_head.weight", untiedWeights.Keys);
        using var untiedModel = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(untied, untiedWeights));
        var untiedHidden = untiedModel.HiddenStates(ids, torch.ones_like(ids));
        Assert.True(untiedModel.call(ids, torch.ones_like(ids)).allclose(torch.matmul(untiedHidden, untiedWeights["lm_head.weight"].t()), rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Missing_tensor_fails_naming_it_and_its_shape()
    {
        var config = TestModels.TinyConfig();
        var weights = TestModels.RandomWeights(config, seed: 4);
        weights.Remove("model.layers.1.mlp.up_proj.weight");
        var error = Assert.Throws<InvalidDataException>(() => DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, weights)));
        Assert.Contains("missing tensor 'model.layers.1.mlp.up_proj.weight' (model shape [40, 32])", error.Message);
    }

    [Fact]
    public void Misshaped_and_unexpected_tensors_fail_naming_them_and_both_shapes()
    {
        var config = TestModels.TinyConfig();
        var weights = TestModels.RandomWeights(config, seed: 5);
        weights["model.layers.0.self_attn.k_proj.weight"] = torch.zeros(32, 32);
        weights["model.layers.0.self_attn.o_proj.bias"] = torch.zeros(32);
        var error = Assert.Throws<InvalidDataException>(() => DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, weights)));
        Assert.Contains("tensor 'model.layers.0.self_attn.k_proj.weight' in model.safetensors has shape [32, 32], the model expects [16, 32]", error.Message);
        Assert.Contains("unexpected tensor 'model.layers.0.self_attn.o_proj.bias' [32]", error.Message);
    }

    [Fact]
    public void Sharded_checkpoint_loads_like_a_single_file()
    {
        var config = TestModels.TinyConfig("qwen2");
        var weights = TestModels.RandomWeights(config, seed: 6);
        using var single = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, weights));

        var folder = TestModels.TempFolder();
        config.Save(Path.Combine(folder, "config.json"));
        var names = weights.Keys.Order(StringComparer.Ordinal).ToList();
        var shards = new[] { names.Take(names.Count / 2).ToList(), names.Skip(names.Count / 2).ToList() };
        var map = new Dictionary<string, string>();
        for (int s = 0; s < shards.Length; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards.Length:D5}.safetensors";
            SafetensorsWriter.Write(Path.Combine(folder, file), shards[s].Select(n => new KeyValuePair<string, Tensor>(n, weights[n])));
            foreach (var name in shards[s])
            {
                map[name] = file;
            }
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"),
            System.Text.Json.JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
        using var sharded = DecoderLanguageModel.FromPretrained(folder);

        Assert.True(TestModels.Logits(single, Ids).equal(TestModels.Logits(sharded, Ids)).all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.BFloat16, 0.05)]
    [InlineData(ScalarType.Float16, 0.006)]
    public void Half_precision_weights_stay_close_to_float32(ScalarType dtype, double tolerance)
    {
        var config = TestModels.TinyConfig("qwen2");
        var folder = TestModels.WriteCheckpoint(config, TestModels.RandomWeights(config, seed: 7));
        using var full = DecoderLanguageModel.FromPretrained(folder);
        using var half = DecoderLanguageModel.FromPretrained(folder, dtype);
        Assert.Equal(dtype, half.parameters().First().dtype);
        var reference = TestModels.Logits(full, Ids);
        var reduced = TestModels.Logits(half, Ids);
        Assert.Equal(ScalarType.Float32, reduced.dtype);
        // bf16 keeps 8 mantissa bits (relative rounding 2^-9 ≈ 2e-3 per op), fp16 keeps 11 (2^-12 ≈ 2.4e-4); through two
        // layers the error relative to the largest logit stays within a few dozen roundings.
        double relative = (reference - reduced).abs().max().item<float>() / reference.abs().max().item<float>();
        Assert.True(relative < tolerance, $"relative error {relative}");
    }

    [Fact]
    public void Padding_and_batching_do_not_change_embeddings()
    {
        var config = TestModels.TinyConfig("qwen2");
        using var model = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, TestModels.RandomWeights(config, seed: 8)));
        using var noGrad = torch.no_grad();
        var (ids, mask) = DecoderBatch.Pad(new[] { new[] { 1, 4, 7, 9, 11 }, new[] { 1, 3 } }, padId: 0);
        var (shortIds, shortMask) = DecoderBatch.Pad(new[] { new[] { 1, 3 } }, padId: 0);

        foreach (var pooling in new[] { EmbeddingPooling.Mean, EmbeddingPooling.LastToken })
        {
            var batched = model.Embed(ids, mask, pooling);
            var alone = model.Embed(shortIds, shortMask, pooling);
            Assert.True(batched[1].allclose(alone[0], rtol: 1e-5, atol: 1e-6), $"{pooling}: padding leaked into the short sequence");
        }
        // Mean pooling is the average of the token states; last-token pooling is the last token's state.
        var hidden = model.HiddenStates(shortIds, shortMask)[0];
        Assert.True(model.Embed(shortIds, shortMask, EmbeddingPooling.Mean)[0].allclose(hidden.mean(new long[] { 0 }), rtol: 1e-5, atol: 1e-6));
        Assert.True(model.Embed(shortIds, shortMask, EmbeddingPooling.LastToken)[0].allclose(hidden[1], rtol: 1e-5, atol: 1e-6));
        var normalized = model.Embed(ids, mask, EmbeddingPooling.Mean, normalize: true);
        Assert.True(normalized.norm(1).allclose(torch.ones(2), rtol: 1e-5, atol: 1e-5));
    }
}
