using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>
/// The soft-target symmetric contrastive loss of LLMEmb's official code (its SCFT fine-tuning and its RAT
/// alignment): on raw (unnormalised) dot products, logits = X·Yᵀ / τ, and the targets are not the identity but
/// softmax((X·Xᵀ + Y·Yᵀ) / 2 · τ) row-wise (the official code multiplies the target similarities by τ); the loss
/// is the mean over rows of (CE(logits, targets) + CE(logitsᵀ, targetsᵀ)) / 2 with CE(p, t) = −Σ_j t_j·log softmax(p)_j.
/// </summary>
public static class SoftTargetContrastiveLoss
{
    /// <summary>The loss of row-aligned embeddings <paramref name="x"/> and <paramref name="y"/> [n, d] at temperature <paramref name="temperature"/> (a scalar tensor, learnable or not).</summary>
    public static Tensor Compute(Tensor x, Tensor y, Tensor temperature)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(temperature);
        if (x.dim() != 2 || !x.shape.SequenceEqual(y.shape))
        {
            throw new ArgumentException($"The two sides must be row-aligned [n, d] tables; got [{string.Join(", ", x.shape)}] and [{string.Join(", ", y.shape)}].");
        }
        using var scope = NewDisposeScope();
        var logits = x.matmul(y.t()).div(temperature);
        using var two = 2.ToScalar();
        var targets = softmax(TensorArithmetic.Plus(x.matmul(x.t()), y.matmul(y.t())).div(two).mul(temperature), -1);
        var xLoss = targets.neg().mul(logits.log_softmax(-1)).sum(1);
        var yLoss = targets.t().neg().mul(logits.t().log_softmax(-1)).sum(1);
        return TensorArithmetic.Plus(xLoss, yLoss).div(two).mean().MoveToOuterDisposeScope();
    }

    /// <summary>The loss at a fixed temperature.</summary>
    public static Tensor Compute(Tensor x, Tensor y, double temperature)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var tau = tensor(temperature, dtype: x.dtype, device: x.device);
        return Compute(x, y, tau);
    }
}
