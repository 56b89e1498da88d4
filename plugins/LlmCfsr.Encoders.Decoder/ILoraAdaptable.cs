using TorchSharp.Modules;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>A model whose projections can carry LoRA adapters saved and loaded in PEFT's layout.</summary>
public interface ILoraAdaptable
{
    /// <summary>The projection names LoRA may target (PEFT <c>target_modules</c>; also what <c>"all-linear"</c> means).</summary>
    IReadOnlyList<string> LoraTargetModules { get; }

    /// <summary>The LoRA settings in force, or null when the model carries no (unmerged) adapter.</summary>
    LoraSettings? Lora { get; }

    /// <summary>Adds LoRA adapters to the target projections and freezes every base weight, so only LoRA weights train.</summary>
    void AddLora(LoraSettings settings);

    /// <summary>The LoRA parameters by Hugging Face name (e.g. <c>encoder.layer.0.attention.self.query.lora_A.weight</c>).</summary>
    IReadOnlyList<(string Name, Parameter Parameter)> LoraParameters();
}
