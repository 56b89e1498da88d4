using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// torch's default CPU generator state, saved so a library call that seeds it (<see cref="RecommenderTrainer.Train"/>,
/// a plugin's fine-tuning) hands the caller's generator back as it found it:
/// <c>using var generator = DefaultGeneratorState.Save();</c> before seeding. CUDA generators are not covered: TorchSharp
/// cannot read their state.
/// </summary>
public sealed class DefaultGeneratorState : IDisposable
{
    private readonly Tensor _state;

    private DefaultGeneratorState(Tensor state) => _state = state;

    /// <summary>Saves the current state; disposing restores it.</summary>
    public static DefaultGeneratorState Save() => new(random.get_rng_state().DetachFromDisposeScope());

    /// <summary>Restores the saved state.</summary>
    public void Dispose()
    {
        random.set_rng_state(_state);
        _state.Dispose();
    }
}
