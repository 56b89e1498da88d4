using LlmCfsr.Fusion;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>
/// The "without cross-attention" fusion: the two sequences pass through unchanged and the views meet only
/// at the score, by concatenation: score = [e_se ; e_co] · [u_se ; u_co]. Has no parameters.
/// </summary>
internal sealed class ConcatenationFusion : nn.Module, IFusion
{
    /// <summary>Creates the fusion.</summary>
    public ConcatenationFusion() : base(nameof(ConcatenationFusion))
    {
        RegisterComponents();
    }

    /// <inheritdoc />
    public string Name => ConcatenationFusionFactory.RegisteredName;

    /// <inheritdoc />
    public nn.Module Module => this;

    /// <inheritdoc />
    public DualView FuseSequences(DualView sequences, Tensor paddingMask, bool causal) => sequences;

    /// <inheritdoc />
    public Tensor Score(DualView users, DualView items) => DualViewScore.Compute(users, items);
}
