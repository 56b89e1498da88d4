using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// torch's default CPU generator state, saved so a library call that seeds it (<see cref="RecommenderTrainer.Train"/>)
/// hands the caller's generator back as it found it. CUDA generators are not covered: TorchSharp cannot read their state.
/// </summary>
internal sealed class DefaultGeneratorState : IDisposable
{
    private readonly Tensor _state;

    private DefaultGeneratorState(Tensor state) => _state = state;

    /// <summary>Saves the current state; disposing restores it.</summary>
    public static DefaultGeneratorState Save() => new(random.get_rng_state().DetachFromDisposeScope());

    /// <inheritdoc />
    public void Dispose()
    {
        random.set_rng_state(_state);
        _state.Dispose();
    }
}
