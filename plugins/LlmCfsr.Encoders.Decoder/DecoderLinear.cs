using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// A projection y = x Wᵀ + b that can carry a LoRA update (x Aᵀ Bᵀ · alpha / r). Parameters are named as in
/// PyTorch/PEFT (<c>weight</c>, <c>bias</c>, <c>lora_A.weight</c>, <c>lora_B.weight</c>) so checkpoints and
/// adapters keep their Hugging Face names. LoRA weights are float32 whatever the base dtype.
/// </summary>
internal sealed class DecoderLinear : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "weight")]
    private readonly Parameter _weight;
    [ComponentName(Name = "bias")]
    private readonly Parameter? _bias;
    [ComponentName(Name = "lora_A")]
    private Linear? _loraA;
    [ComponentName(Name = "lora_B")]
    private Linear? _loraB;
    private double _loraScaling;
    private double _loraDropout;

    public DecoderLinear(long inFeatures, long outFeatures, bool hasBias, ScalarType dtype, Device device) : base(nameof(DecoderLinear))
    {
        _weight = new Parameter(torch.empty(outFeatures, inFeatures, dtype: dtype, device: device));
        _bias = hasBias ? new Parameter(torch.zeros(outFeatures, dtype: dtype, device: device)) : null;
        RegisterComponents();
    }

    public Parameter Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.linear(input, _weight, _bias);
        if (_loraA is null || _loraB is null)
        {
            return output;
        }
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.dropout(input.to(ScalarType.Float32), _loraDropout, training);
        using var scaling = _loraScaling.ToScalar();
        var update = _loraB.call(_loraA.call(x)).mul(scaling);
        return TensorArithmetic.Plus(output, update.to(output.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Adds a LoRA pair: A ~ Kaiming-uniform (PyTorch's Linear default, as PEFT), B = 0, so the update starts at zero.</summary>
    public void AddLora(int rank, double scaling, double dropout)
    {
        if (_loraA is not null)
        {
            throw new InvalidOperationException("This projection already has a LoRA adapter.");
        }
        var device = _weight.device;
        _loraA = nn.Linear(_weight.shape[1], rank, hasBias: false, device: device, dtype: ScalarType.Float32);
        _loraB = nn.Linear(rank, _weight.shape[0], hasBias: false, device: device, dtype: ScalarType.Float32);
        using (torch.no_grad())
        {
            _loraB.weight!.zero_();
        }
        _loraScaling = scaling;
        _loraDropout = dropout;
        register_module("lora_A", _loraA);
        register_module("lora_B", _loraB);
    }

    /// <summary>Folds the update into the base weight (W += B A · scaling) and removes the LoRA pair.</summary>
    public void MergeLora()
    {
        if (_loraA is null || _loraB is null)
        {
            return;
        }
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            using var scaling = _loraScaling.ToScalar();
            var delta = torch.matmul(_loraB.weight!, _loraA.weight!).mul(scaling);
            _weight.copy_(TensorArithmetic.Plus(_weight.to(ScalarType.Float32), delta).to(_weight.dtype));
        }
        _internal_submodules.Remove("lora_A");
        _internal_submodules.Remove("lora_B");
        _loraA.Dispose();
        _loraB.Dispose();
        _loraA = null;
        _loraB = null;
    }
}
