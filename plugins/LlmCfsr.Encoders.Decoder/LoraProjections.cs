using TorchSharp;
using TorchSharp.Modules;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Adds, lists and merges the LoRA adapters of a model's named projections (shared by the decoder and BERT).</summary>
internal static class LoraProjections
{
    /// <summary>Freezes every parameter of <paramref name="model"/>, then adds a LoRA pair to each projection whose name is a resolved target.</summary>
    public static void Add(torch.nn.Module model, IEnumerable<(string Name, DecoderLinear Projection)> projections, LoraSettings settings, IReadOnlyList<string> knownModules)
    {
        var targets = settings.ResolvedTargetModules(knownModules);
        foreach (var parameter in model.parameters())
        {
            parameter.requires_grad = false;
        }
        foreach (var (_, projection) in projections.Where(p => targets.Contains(p.Name)))
        {
            projection.AddLora(settings.Rank, settings.Scaling, settings.Dropout);
        }
    }

    /// <summary>The LoRA parameters of <paramref name="model"/> by Hugging Face name.</summary>
    public static IReadOnlyList<(string Name, Parameter Parameter)> Parameters(torch.nn.Module model)
        => model.named_parameters().Where(p => p.name.Contains(".lora_", StringComparison.Ordinal)).Select(p => (p.name, p.parameter)).ToList();

    /// <summary>Folds every LoRA update into its base weight and removes the adapters.</summary>
    public static void Merge(IEnumerable<(string Name, DecoderLinear Projection)> projections)
    {
        foreach (var (_, projection) in projections)
        {
            projection.MergeLora();
        }
    }
}
