using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Root-mean-square layer norm, computed in float32 whatever the weight dtype (as Hugging Face LLaMA does).</summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;
    [ComponentName(Name = "weight")]
    private readonly TorchSharp.Modules.Parameter _weight;

    public RmsNorm(long size, double eps, ScalarType dtype, Device device) : base(nameof(RmsNorm))
    {
        _eps = eps;
        _weight = new TorchSharp.Modules.Parameter(torch.ones(size, dtype: dtype, device: device));
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using var scope = torch.NewDisposeScope();
        var x = input.to(ScalarType.Float32);
        using var eps = _eps.ToScalar();
        var normalized = x * torch.rsqrt(TensorArithmetic.Plus(TensorArithmetic.Square(x).mean(new long[] { -1 }, keepdim: true), eps));
        return (_weight * normalized.to(input.dtype)).MoveToOuterDisposeScope();
    }
}
