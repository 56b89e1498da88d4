using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class Stories260KTests
{
    [Fact]
    public void Greedy_decoding_from_bos_reproduces_llama2c_reference_output()
    {
        using var lm = DecoderLanguageModel.FromPretrained(TestModels.Stories260K);
        using var tokenizer = SentencePieceDecoderTokenizer.Load(Path.Combine(TestModels.Stories260K, "tokenizer.model"));

        var generated = lm.GenerateGreedy(new[] { tokenizer.BosTokenId!.Value }, maxNewTokens: 200, eosTokenId: tokenizer.EosTokenId);

        // The reference is llama2.c run.c's own fp32 greedy output for this model (200 tokens), so every token must match.
        Assert.Equal(200, generated.Length);
        Assert.Equal(TestModels.Stories260KGreedy200, tokenizer.Decode(generated));
        // The first 60 tokens alone already spell out a prefix of the documented text.
        Assert.StartsWith(tokenizer.Decode(generated.Take(60)), TestModels.Stories260KGreedy200, StringComparison.Ordinal);
    }

    [Fact]
    public void Converter_reproduces_the_committed_fixture_from_a_llama2c_checkpoint()
    {
        // Rebuild the llama2.c file from the fixture (undoing the q/k permutation), then convert it back.
        var folder = TestModels.TempFolder();
        var bin = Path.Combine(folder, "stories260K.bin");
        var reference = Safetensors.LoadStateDict(Path.Combine(TestModels.Stories260K, "model.safetensors"));
        var config = DecoderConfig.Load(Path.Combine(TestModels.Stories260K, "config.json"));
        WriteLlama2C(bin, config, reference);

        var converted = Path.Combine(folder, "hf");
        Llama2CheckpointConverter.Convert(bin, Path.Combine(TestModels.Stories260K, "tokenizer.model"), converted);

        var result = Safetensors.LoadStateDict(Path.Combine(converted, "model.safetensors"));
        Assert.Equal(reference.Keys.Order(), result.Keys.Order());
        foreach (var (name, tensor) in reference)
        {
            Assert.Equal(tensor.shape, result[name].shape);
            Assert.True(tensor.equal(result[name]).all().item<bool>(), $"tensor {name} differs after the round trip");
        }
        var roundTripped = DecoderConfig.Load(Path.Combine(converted, "config.json"));
        Assert.Equal(config.NumKeyValueHeads, roundTripped.NumKeyValueHeads);
        Assert.True(roundTripped.TieWordEmbeddings);
    }

    [Fact]
    public void Permutation_maps_llama2c_pairs_onto_hugging_face_halves()
    {
        // One head of size 4 with rows r0..r3: llama2.c rotates (r0, r1) and (r2, r3); Hugging Face rotates
        // (row 0, row 2) and (row 1, row 3), so the permuted order must be r0, r2, r1, r3.
        using var rows = 4.ToScalar();
        var weight = TensorArithmetic.Arange(rows, ScalarType.Float32, device: null).unsqueeze(1);
        var permuted = Llama2CheckpointConverter.InterleavedToHalves(weight, heads: 1);
        Assert.Equal(new float[] { 0, 2, 1, 3 }, permuted.squeeze(1).data<float>().ToArray());
    }

    [Fact]
    public void Converter_rejects_a_truncated_checkpoint_naming_the_header()
    {
        var folder = TestModels.TempFolder();
        var bin = Path.Combine(folder, "broken.bin");
        using (var writer = new BinaryWriter(File.Create(bin)))
        {
            foreach (var value in new[] { 64, 172, 5, 8, 4, 512, 512 })
            {
                writer.Write(value);
            }
            writer.Write(new byte[1000]);
        }
        var error = Assert.Throws<InvalidDataException>(() => Llama2CheckpointConverter.Convert(bin, Path.Combine(TestModels.Stories260K, "tokenizer.model"), Path.Combine(folder, "out")));
        Assert.Contains("broken.bin", error.Message);
        Assert.Contains("n_kv_heads=4", error.Message);
    }

    private static void WriteLlama2C(string path, DecoderConfig config, Dictionary<string, Tensor> weights)
    {
        int layers = config.NumHiddenLayers, headSize = config.HeadSize;
        Tensor Stack(string suffix, Func<Tensor, Tensor>? transform = null)
            => torch.stack(Enumerable.Range(0, layers).Select(i => (transform ?? (t => t))(weights[$"model.layers.{i}.{suffix}"])).ToArray());
        // Inverse of the converter's permutation: view(heads, 2, d/2, in).transpose(1, 2).
        Func<Tensor, Tensor> Unpermute(int heads) => w => w.view(heads, 2, w.shape[0] / heads / 2, w.shape[1]).transpose(1, 2).reshape(w.shape[0], w.shape[1]);
        var parts = new[]
        {
            weights["model.embed_tokens.weight"],
            Stack("input_layernorm.weight"),
            Stack("self_attn.q_proj.weight", Unpermute(config.NumAttentionHeads)),
            Stack("self_attn.k_proj.weight", Unpermute(config.KeyValueHeads)),
            Stack("self_attn.v_proj.weight"),
            Stack("self_attn.o_proj.weight"),
            Stack("post_attention_layernorm.weight"),
            Stack("mlp.gate_proj.weight"),
            Stack("mlp.down_proj.weight"),
            Stack("mlp.up_proj.weight"),
            weights["model.norm.weight"],
            torch.zeros(config.MaxPositionEmbeddings * headSize), // freq_cis_real and freq_cis_imag (ignored by the converter)
        };
        using var writer = new BinaryWriter(File.Create(path));
        foreach (var value in new[] { config.HiddenSize, config.IntermediateSize, layers, config.NumAttentionHeads, config.KeyValueHeads, config.VocabSize, config.MaxPositionEmbeddings })
        {
            writer.Write(value);
        }
        foreach (var part in parts)
        {
            foreach (var value in part.contiguous().data<float>())
            {
                writer.Write(value);
            }
        }
    }
}
