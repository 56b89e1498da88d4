using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Training.Optimizers;

/// <summary>
/// One Adam or AdamW update of a parameter group, the same libtorch calls in the same order as TorchSharp 0.107's
/// <c>Adam.step</c> and <c>AdamW.step</c>, with every Scalar held in a <c>using</c> local for the call that reads it
/// (TorchSharp's own step converts numbers to Scalars nothing keeps alive: see LLMCFSR101).
/// </summary>
internal static class HeldScalarAdamStep
{
    // The alpha TorchSharp's add_(Scalar) passes (an int 1).
    private static readonly Scalar One = 1;

    /// <summary>Updates one parameter from its gradient (none: left as it is) and its state.</summary>
    /// <param name="param">The parameter.</param>
    /// <param name="step">The state's step count, incremented.</param>
    /// <param name="expAvg">The first moment, updated in place.</param>
    /// <param name="expAvgSq">The second moment, updated in place.</param>
    /// <param name="maxExpAvgSq">AMSGrad's running maximum of the second moment, replaced (null without AMSGrad).</param>
    /// <param name="options">The group's hyper-parameters.</param>
    /// <param name="decoupled">AdamW's decoupled weight decay (else Adam's L2 term added to the gradient).</param>
    public static void Update(Parameter param, ref long step, Tensor expAvg, Tensor expAvgSq, ref Tensor? maxExpAvgSq, AdamHyperParameters options, bool decoupled)
    {
        var grad = param.grad;
        if (grad is null)
        {
            return;
        }
        if (options.Maximize)
        {
            grad = -grad;
        }
        step += 1;

        if (decoupled)
        {
            using var decay = (1 - options.LearningRate * options.WeightDecay).ToScalar();
            param.mul_(decay);
        }

        var biasCorrection1 = 1 - Math.Pow(options.Beta1, step);
        var biasCorrection2 = 1 - Math.Pow(options.Beta2, step);

        if (!decoupled && options.WeightDecay != 0)
        {
            using var decay = options.WeightDecay.ToScalar();
            grad = grad.add(param, decay);
        }

        using var beta1 = options.Beta1.ToScalar();
        using var gradWeight = (1 - options.Beta1).ToScalar();
        using var beta2 = options.Beta2.ToScalar();
        using var squareWeight = (1 - options.Beta2).ToScalar();
        expAvg.mul_(beta1).add_(grad, gradWeight);
        expAvgSq.mul_(beta2).addcmul_(grad, decoupled ? grad : grad.conj(), squareWeight);

        using var correction = Math.Sqrt(biasCorrection2).ToScalar();
        using var eps = options.Eps.ToScalar();
        Tensor denom;
        if (options.AmsGrad)
        {
            var previous = maxExpAvgSq!;
            maxExpAvgSq = maximum(previous, expAvgSq).DetachFromDisposeScope();
            previous.Dispose();
            denom = maxExpAvgSq.sqrt().div(correction).add_(eps, One);
        }
        else
        {
            denom = expAvgSq.sqrt().div(correction).add_(eps, One);
        }

        using var stepSize = (-(options.LearningRate / biasCorrection1)).ToScalar();
        param.addcdiv_(expAvg, denom, stepSize);
    }
}
