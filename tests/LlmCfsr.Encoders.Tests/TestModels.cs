using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests;

/// <summary>Fixtures: the committed stories260K conversion and tiny random checkpoints written to temp folders.</summary>
internal static class TestModels
{
    public static string Stories260K => Path.Combine(AppContext.BaseDirectory, "fixtures", "stories260K-hf");

    /// <summary>
    /// llama2.c's documented greedy output for stories260K (`./run stories260K.bin -z tok512.bin -t 0.0 -n 200`),
    /// copied from the expected_stdout of llama2.c's test_all.py and its README: 200 generated tokens after BOS.
    /// </summary>
    public const string Stories260KGreedy200 =
        "Once upon a time, there was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high.\n"
        + "Lily's mom said, \"Lily, let's go to the park.\" Lily was sad and didn't know what to do. She said, \"I want to play with your ball, but I can't find it.\"\n"
        + "Lily was sad and didn't know what to do. She said, \"I'm sorry, Lily. I didn't know what to do.\"\n"
        + "Lily didn't want to help her mom, so she";

    public static DecoderConfig TinyConfig(string modelType = "llama", bool tied = false) => new()
    {
        ModelType = modelType,
        VocabSize = 61,
        HiddenSize = 32,
        IntermediateSize = 40,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        RmsNormEps = 1e-6,
        RopeTheta = 1000.0,
        TieWordEmbeddings = tied,
        BosTokenId = 1,
        EosTokenId = 2,
    };

    /// <summary>Random weights for <paramref name="config"/> (norm weights around 1, biases random), keyed by Hugging Face name.</summary>
    public static Dictionary<string, Tensor> RandomWeights(DecoderConfig config, long seed)
    {
        using var shapes = DecoderLanguageModel.Create(config, device: torch.META);
        var generator = new torch.Generator((ulong)seed);
        using var one = 1.ToScalar();
        using var normScale = 0.1.ToScalar();
        using var weightScale = 0.2.ToScalar();
        return shapes.named_parameters().ToDictionary(
            p => p.name,
            p => p.name.EndsWith("norm.weight", StringComparison.Ordinal)
                ? TensorArithmetic.Plus(torch.randn(p.parameter.shape, generator: generator).mul(normScale), one)
                : torch.randn(p.parameter.shape, generator: generator).mul(weightScale));
    }

    public static string WriteCheckpoint(DecoderConfig config, IReadOnlyDictionary<string, Tensor> weights, string? folder = null)
    {
        folder ??= TempFolder();
        Directory.CreateDirectory(folder);
        config.Save(Path.Combine(folder, "config.json"));
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), weights);
        return folder;
    }

    public static string TempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "llmcfsr-encoders-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static Tensor Logits(DecoderLanguageModel lm, long[,] ids)
    {
        using var noGrad = torch.no_grad();
        var input = torch.tensor(ids);
        return lm.call(input, torch.ones_like(input));
    }
}
