using LlmCfsr.Encoders.Decoder;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Llama2;

/// <summary>
/// Converts a llama2.c checkpoint (legacy version-0 <c>.bin</c>: seven int32 header fields, then float32 weights
/// in run.c's <c>memory_map_weights</c> order) into a Hugging Face LLaMA folder: config.json, model.safetensors
/// and the SentencePiece tokenizer.model.
/// </summary>
public static class Llama2CheckpointConverter
{
    /// <summary>Converts <paramref name="checkpoint"/>; <paramref name="tokenizerModel"/> is copied as tokenizer.model.</summary>
    public static DecoderConfig Convert(string checkpoint, string tokenizerModel, string outputFolder)
    {
        foreach (var path in new[] { checkpoint, tokenizerModel }.Where(p => !File.Exists(p)))
        {
            throw new FileNotFoundException($"'{path}' does not exist.", path);
        }
        using var stream = File.OpenRead(checkpoint);
        using var reader = new BinaryReader(stream);
        if (stream.Length < 28)
        {
            throw new InvalidDataException($"{checkpoint}: too short for a llama2.c header (7 int32 values).");
        }
        int dim = reader.ReadInt32(), hiddenDim = reader.ReadInt32(), layers = reader.ReadInt32(), heads = reader.ReadInt32();
        int kvHeads = reader.ReadInt32(), signedVocab = reader.ReadInt32(), seqLen = reader.ReadInt32();
        // A negative vocabulary size marks an unshared classifier (llama2.c export.py, legacy format).
        bool shared = signedVocab > 0;
        int vocab = Math.Abs(signedVocab);
        var config = new DecoderConfig
        {
            ModelType = "llama",
            Architectures = new[] { "LlamaForCausalLM" },
            VocabSize = vocab,
            HiddenSize = dim,
            IntermediateSize = hiddenDim,
            NumHiddenLayers = layers,
            NumAttentionHeads = heads,
            NumKeyValueHeads = kvHeads,
            MaxPositionEmbeddings = seqLen,
            RmsNormEps = 1e-5, // run.c rmsnorm
            RopeTheta = 10000.0, // run.c RoPE frequencies
            TieWordEmbeddings = shared,
            BosTokenId = 1,
            EosTokenId = 2,
            TorchDtype = "float32",
        };
        config.Validate(checkpoint);
        int headSize = dim / heads, kvDim = kvHeads * headSize;
        long expectedFloats = (long)vocab * dim + layers * (2L * dim + (long)dim * dim * 2 + 2L * dim * kvDim + 3L * dim * hiddenDim) + dim
            + (long)seqLen * headSize + (shared ? 0 : (long)vocab * dim);
        if (stream.Length != 28 + expectedFloats * 4)
        {
            throw new InvalidDataException($"{checkpoint}: {stream.Length} bytes, but the header (dim={dim}, hidden_dim={hiddenDim}, n_layers={layers}, n_heads={heads}, n_kv_heads={kvHeads}, vocab_size={signedVocab}, seq_len={seqLen}) implies {28 + expectedFloats * 4}.");
        }

        using var scope = torch.NewDisposeScope();
        Tensor Read(params long[] shape)
        {
            long count = shape.Aggregate(1L, (a, b) => a * b);
            var bytes = reader.ReadBytes(checked((int)(count * 4)));
            var values = new float[count];
            Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
            return torch.tensor(values, shape);
        }

        var tensors = new Dictionary<string, Tensor>();
        tensors["model.embed_tokens.weight"] = Read(vocab, dim);
        var attentionNorm = Read(layers, dim);
        var wq = Read(layers, dim, dim);
        var wk = Read(layers, kvDim, dim);
        var wv = Read(layers, kvDim, dim);
        var wo = Read(layers, dim, dim);
        var ffnNorm = Read(layers, dim);
        var w1 = Read(layers, hiddenDim, dim);
        var w2 = Read(layers, dim, hiddenDim);
        var w3 = Read(layers, hiddenDim, dim);
        tensors["model.norm.weight"] = Read(dim);
        reader.ReadBytes(checked(seqLen * headSize * 4)); // freq_cis_real and freq_cis_imag: recomputed from rope_theta.
        if (!shared)
        {
            tensors["lm_head.weight"] = Read(vocab, dim);
        }
        for (int i = 0; i < layers; i++)
        {
            var prefix = $"model.layers.{i}.";
            tensors[prefix + "input_layernorm.weight"] = attentionNorm[i];
            tensors[prefix + "self_attn.q_proj.weight"] = InterleavedToHalves(wq[i], heads);
            tensors[prefix + "self_attn.k_proj.weight"] = InterleavedToHalves(wk[i], kvHeads);
            tensors[prefix + "self_attn.v_proj.weight"] = wv[i];
            tensors[prefix + "self_attn.o_proj.weight"] = wo[i];
            tensors[prefix + "post_attention_layernorm.weight"] = ffnNorm[i];
            tensors[prefix + "mlp.gate_proj.weight"] = w1[i];
            tensors[prefix + "mlp.down_proj.weight"] = w2[i];
            tensors[prefix + "mlp.up_proj.weight"] = w3[i];
        }

        Directory.CreateDirectory(outputFolder);
        config.Save(Path.Combine(outputFolder, "config.json"));
        SafetensorsWriter.Write(Path.Combine(outputFolder, "model.safetensors"), tensors);
        File.Copy(tokenizerModel, Path.Combine(outputFolder, "tokenizer.model"), overwrite: true);
        return config;
    }

    /// <summary>
    /// llama2.c rotates adjacent pairs (2i, 2i+1) of each head; Hugging Face rotates (i, i + d/2). Reordering each
    /// head's output rows as Hugging Face's convert_llama_weights_to_hf.py <c>permute</c> does makes the two equal:
    /// w.view(heads, d/2, 2, in).transpose(1, 2).reshape(out, in).
    /// </summary>
    internal static Tensor InterleavedToHalves(Tensor weight, int heads)
    {
        long rows = weight.shape[0], columns = weight.shape[1];
        return weight.view(heads, rows / heads / 2, 2, columns).transpose(1, 2).reshape(rows, columns).contiguous();
    }
}
