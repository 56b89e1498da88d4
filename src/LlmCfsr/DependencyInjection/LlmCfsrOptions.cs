namespace LlmCfsr.DependencyInjection;

/// <summary>
/// SDK-wide settings, bound from the "LlmCfsr" configuration section. What a run trains (model, seed, device, sizes)
/// lives in <see cref="Training.TrainingOptions"/>, saved with the run; the models' settings are their typed options
/// (<see cref="Models.RecommenderModelOptions"/>, section "LlmCfsr:Models:NAME") and the parts' own settings live in their
/// options sections (e.g. "LlmCfsr:Backbones:SasRec").
/// </summary>
public sealed class LlmCfsrOptions
{
    /// <summary>
    /// CPU threads for TorchSharp while the trainer runs (the previous count is restored afterwards); 0 = automatic:
    /// the host's prepared count, LLMCFSR_THREADS, OMP_NUM_THREADS, else libtorch's own count (see <see cref="Runtime.TorchThreadPolicy"/>).
    /// </summary>
    public int Threads { get; set; }

    /// <summary>How bundles represent items added from their text ("LlmCfsr:NewItems").</summary>
    public Recommendation.NewItemOptions NewItems { get; set; } = new();
}
