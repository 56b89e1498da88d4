using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The input stage LLM-ESR's official code puts before its cross-attention: each view's item sequence scaled by √d
/// plus one learned position table shared by both views, then dropout. A query and the key at its own position
/// then share a position vector, so the attention can find the query's own position instead of reading only a
/// content-weighted prefix mean of the other view. The backbone still scales its input by √d and adds its own
/// positions, so the fused sequences are divided by √d before it (<see cref="BackboneInput"/>).
/// </summary>
internal sealed class FusionPositions : nn.Module<Tensor, Tensor>
{
    private readonly Embedding positions;
    private readonly Dropout dropout;
    private readonly double _scale;

    public FusionPositions(int hiddenSize, int maxLength, double dropoutProbability) : base(nameof(FusionPositions))
    {
        _scale = Math.Sqrt(hiddenSize);
        positions = nn.Embedding(maxLength, hiddenSize);
        dropout = nn.Dropout(dropoutProbability);
        RegisterComponents();
        // Xavier-normal as SASRec's positions (libtorch's N(0, 1) would drown the items).
        using (no_grad())
        {
            nn.init.xavier_normal_(positions.weight!);
        }
    }

    /// <summary>[b, L, d] item vectors of a left-padded window to √d·x + position (counted from the window's end), with dropout.</summary>
    public override Tensor forward(Tensor items)
    {
        using var scope = NewDisposeScope();
        long length = items.shape[1];
        long maxLength = positions.weight!.shape[0];
        using var first = (maxLength - length).ToScalar();
        using var end = maxLength.ToScalar();
        using var scale = _scale.ToScalar();
        var ids = TensorArithmetic.Arange(first, end, ScalarType.Int64, items.device);
        return dropout.call(TensorArithmetic.Plus(items.mul(scale), positions.call(ids).unsqueeze(0))).MoveToOuterDisposeScope();
    }

    /// <summary>A fused sequence divided by √d, so the backbone's own √d scaling restores its size.</summary>
    public Tensor BackboneInput(Tensor fused)
    {
        using var scale = _scale.ToScalar();
        return fused.div(scale);
    }
}
