using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// A projection y = x Wᵀ + b that can carry a LoRA update (x Aᵀ Bᵀ · alpha / r). Parameters are named as in
/// PyTorch/PEFT (<c>weight</c>, <c>bias</c>, <c>lora_A.weight</c>, <c>lora_B.weight</c>) so checkpoints and
/// adapters keep their Hugging Face names. LoRA weights are float32 whatever the base dtype.
/// </summary>
internal sealed class DecoderLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private Linear? lora_A;
    private Linear? lora_B;
    private double _loraScaling;
    private double _loraDropout;

    public DecoderLinear(long inFeatures, long outFeatures, bool hasBias, ScalarType dtype, Device device) : base(nameof(DecoderLinear))
    {
        weight = new Parameter(torch.empty(outFeatures, inFeatures, dtype: dtype, device: device));
        bias = hasBias ? new Parameter(torch.zeros(outFeatures, dtype: dtype, device: device)) : null;
        RegisterComponents();
    }

    public Parameter Weight => weight;

    public bool HasLora => lora_A is not null;

    public override Tensor forward(Tensor input)
    {
        var output = nn.functional.linear(input, weight, bias);
        if (lora_A is null || lora_B is null)
        {
            return output;
        }
        using var scope = torch.NewDisposeScope();
        var x = nn.functional.dropout(input.to(ScalarType.Float32), _loraDropout, training);
        var update = lora_B.call(lora_A.call(x)) * _loraScaling;
        return (output + update.to(output.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>Adds a LoRA pair: A ~ Kaiming-uniform (PyTorch's Linear default, as PEFT), B = 0, so the update starts at zero.</summary>
    public void AddLora(int rank, double scaling, double dropout)
    {
        if (lora_A is not null)
        {
            throw new InvalidOperationException("This projection already has a LoRA adapter.");
        }
        var device = weight.device;
        lora_A = nn.Linear(weight.shape[1], rank, hasBias: false, device: device, dtype: ScalarType.Float32);
        lora_B = nn.Linear(rank, weight.shape[0], hasBias: false, device: device, dtype: ScalarType.Float32);
        using (torch.no_grad())
        {
            lora_B.weight!.zero_();
        }
        _loraScaling = scaling;
        _loraDropout = dropout;
        register_module(nameof(lora_A), lora_A);
        register_module(nameof(lora_B), lora_B);
    }

    /// <summary>Folds the update into the base weight (W += B A · scaling) and removes the LoRA pair.</summary>
    public void MergeLora()
    {
        if (lora_A is null || lora_B is null)
        {
            return;
        }
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            var delta = torch.matmul(lora_B.weight!, lora_A.weight!) * _loraScaling;
            weight.copy_((weight.to(ScalarType.Float32) + delta).to(weight.dtype));
        }
        _internal_submodules.Remove(nameof(lora_A));
        _internal_submodules.Remove(nameof(lora_B));
        lora_A.Dispose();
        lora_B.Dispose();
        lora_A = null;
        lora_B = null;
    }
}
