using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Training.Optimizers;

/// <summary>
/// TorchSharp's AdamW with a step that holds every Scalar it passes to libtorch: the same update, bit for bit, the same
/// parameter groups, options and saved state (<c>save_state_dict</c> files name the optimizer "AdamW" either way).
/// </summary>
/// <remarks>
/// TorchSharp 0.107's <c>AdamW.step</c> converts its hyper-parameters to Scalars that nothing keeps alive during the
/// native calls, so a garbage collection on another thread can free one while libtorch reads it (LLMCFSR101).
/// </remarks>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>AdamW over one group of parameters.</summary>
    /// <param name="parameters">The parameters to optimise.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the running average of the gradient.</param>
    /// <param name="beta2">Decay of the running average of the squared gradient.</param>
    /// <param name="eps">Term added to the denominator.</param>
    /// <param name="weight_decay">Decoupled weight decay (the parameters shrink by lr * weight_decay each step).</param>
    /// <param name="amsgrad">Whether to use the AMSGrad variant.</param>
    /// <param name="maximize">Whether to maximise the objective instead of minimising it.</param>
    public AdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weight_decay = 0, bool amsgrad = false, bool maximize = false)
        : base(parameters, lr, beta1, beta2, eps, weight_decay, amsgrad, maximize)
    {
    }

    /// <summary>AdamW over parameter groups, each with its own options.</summary>
    /// <param name="parameters">The parameter groups.</param>
    /// <param name="lr">The learning rate of groups that set none; other unset options take TorchSharp's defaults
    /// (β 0.9 and 0.999, ε 1e-8, no weight decay, no AMSGrad).</param>
    public AdamW(IEnumerable<ParamGroup> parameters, double lr)
        : base(parameters, lr)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = AdamHyperParameters.Of((Options)group.Options);
        foreach (var param in group.Parameters)
        {
            var state = (State)_state[param.Handle];
            HeldScalarAdamStep.Update(param, ref state.step, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, options, decoupled: true);
        }
    }, closure);
}
