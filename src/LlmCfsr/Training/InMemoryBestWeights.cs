using LlmCfsr.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// The best weights of a fit without a run directory: a copy of the model's state after its best epoch, on the
/// model's device. Nothing is resumed and nothing is written.
/// </summary>
internal sealed class InMemoryBestWeights : ITrainingCheckpoints, IDisposable
{
    private Dictionary<string, Tensor>? _best;

    public TrainerState? Restore(SequentialRecommender model, OptimizerHelper optimizer) => null;

    public void EpochCompleted(TrainerState state, SequentialRecommender model, OptimizerHelper optimizer, bool improved)
    {
        if (!improved)
        {
            return;
        }
        Dispose();
        using (no_grad())
        {
            _best = model.state_dict().ToDictionary(entry => entry.Key, entry => entry.Value.detach().clone().DetachFromDisposeScope());
        }
    }

    public void LoadBest(SequentialRecommender model)
    {
        if (_best is null)
        {
            throw new InvalidOperationException("No epoch was validated, so there are no best weights.");
        }
        model.load_state_dict(_best);
    }

    public void Dispose()
    {
        foreach (var tensor in _best?.Values ?? Enumerable.Empty<Tensor>())
        {
            tensor.Dispose();
        }
        _best = null;
    }
}
