using LlmCfsr.Encoders.Decoder;
using Snapshooter.Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Tests.Decoder;

/// <summary>The real 7B architectures built on the meta device (no memory): parameter names and shapes.</summary>
public sealed class ArchitectureSnapshotTests
{
    // meta-llama/Llama-2-7b-hf config.json.
    private static DecoderConfig Llama2_7B => new()
    {
        ModelType = "llama", VocabSize = 32000, HiddenSize = 4096, IntermediateSize = 11008, NumHiddenLayers = 32,
        NumAttentionHeads = 32, NumKeyValueHeads = 32, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 4096,
        TieWordEmbeddings = false, BosTokenId = 1, EosTokenId = 2,
    };

    // Qwen/Qwen2.5-7B config.json.
    private static DecoderConfig Qwen25_7B => new()
    {
        ModelType = "qwen2", VocabSize = 152064, HiddenSize = 3584, IntermediateSize = 18944, NumHiddenLayers = 28,
        NumAttentionHeads = 28, NumKeyValueHeads = 4, RmsNormEps = 1e-6, RopeTheta = 1000000, MaxPositionEmbeddings = 131072,
        TieWordEmbeddings = false, BosTokenId = 151643, EosTokenId = 151643,
    };

    [Fact]
    public void Llama2_7B_has_the_published_shapes_and_6_74B_parameters()
    {
        var shapes = Shapes(Llama2_7B);
        // 6,738,415,616 is the parameter count Hugging Face reports for Llama-2-7b-hf.
        Assert.Equal(6_738_415_616L, shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
        Snapshot.Match(shapes.ToDictionary(p => p.Key, p => string.Join("x", p.Value)));
    }

    [Fact]
    public void Qwen25_7B_has_the_published_shapes_and_7_62B_parameters()
    {
        var shapes = Shapes(Qwen25_7B);
        // 7,615,616,512 is the parameter count of Qwen2.5-7B (7.61B on its model card), q/k/v biases included.
        Assert.Equal(7_615_616_512L, shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
        Snapshot.Match(shapes.ToDictionary(p => p.Key, p => string.Join("x", p.Value)));
    }

    private static Dictionary<string, long[]> Shapes(DecoderConfig config)
    {
        using var model = DecoderLanguageModel.Create(config, ScalarType.BFloat16, torch.META);
        Assert.All(model.parameters(), p => Assert.Equal(DeviceType.META, p.device.type));
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
    }
}
