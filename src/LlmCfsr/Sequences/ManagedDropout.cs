using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>
/// libtorch's dropout, <c>input · (bernoulli(1 − p) / (1 − p))</c> in training, with its Bernoulli mask drawn in
/// managed code from the same generator (<see cref="GeneratorBernoulli"/>): the same outputs, gradients and generator
/// state as <c>nn.Dropout</c>, so seeded runs are unchanged. On CPUs where libtorch draws the mask element by element
/// (AMD, or a libtorch without MKL) that draw was as costly as every matrix product of a SASRec or LLM-ESR step
/// (docs/performance.md); elsewhere (other devices or dtypes, non-contiguous inputs, libtorch drawing through MKL) this
/// is libtorch's dropout itself.
/// </summary>
public sealed class ManagedDropout : nn.Module<Tensor, Tensor>
{
    private readonly double _probability;

    /// <summary>Creates a dropout that zeroes each element with probability <paramref name="probability"/> in training.</summary>
    public ManagedDropout(double probability) : base(nameof(ManagedDropout))
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "The dropout probability must be in [0, 1].");
        }
        _probability = probability;
        RegisterComponents();
    }

    /// <summary>The probability of zeroing an element in training.</summary>
    public double Probability => _probability;

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Apply(input, _probability, training);

    /// <summary>Dropout with probability <paramref name="probability"/> when <paramref name="training"/>, as <c>nn.functional.dropout</c> computes it.</summary>
    internal static Tensor Apply(Tensor input, double probability, bool training)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!training || !(probability > 0 && probability < 1) || input.device_type != DeviceType.CPU || input.dtype != ScalarType.Float32
            || input.numel() == 0 || !input.is_contiguous() || !GeneratorBernoulli.MatchesLibtorch)
        {
            return nn.functional.dropout(input, probability, training);
        }
        using var scope = NewDisposeScope();
        // libtorch: noise = empty_like(input).bernoulli_(1 - p); noise.div_(1 - p); input * noise.
        var noise = empty_like(input);
        GeneratorBernoulli.Fill(MemoryMarshal.Cast<byte, float>(noise.bytes), 1 - probability);
        using var keep = (1 - probability).ToScalar();
        noise.div_(keep);
        return input.mul(noise).MoveToOuterDisposeScope();
    }
}
