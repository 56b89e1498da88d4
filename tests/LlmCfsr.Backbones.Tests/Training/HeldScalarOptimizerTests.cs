using LlmCfsr.Training.Optimizers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Training;

/// <summary>
/// LlmCfsr's Adam and AdamW make the same libtorch calls as TorchSharp 0.107's, with their Scalars held: parameters
/// after many steps are bit-for-bit TorchSharp's, and state TorchSharp's optimizer saved resumes in ours (checkpoints
/// written before the switch keep resuming). TorchSharp's optimizers are the reference, so these tests call them.
/// </summary>
public sealed class HeldScalarOptimizerTests
{
    private const int Steps = 25;

    public static TheoryData<string, double, bool> Settings => new()
    {
        { "Adam", 0, false },
        { "Adam", 0.05, false },
        { "Adam", 0.05, true },
        { "AdamW", 0, false },
        { "AdamW", 0.05, false },
        { "AdamW", 0.05, true },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void StepsAreBitForBitTorchSharps(string kind, double weightDecay, bool amsgrad)
    {
        using var reference = new Regression();
        using var held = new Regression();
        var initial = held.Weights();
        using (var torchSharps = TorchSharps(kind, reference.Parameters, weightDecay, amsgrad))
        using (var ours = Ours(kind, held.Parameters, weightDecay, amsgrad))
        {
            for (int step = 0; step < Steps; step++)
            {
                reference.Step(torchSharps);
                held.Step(ours);
            }
        }
        Assert.NotEqual(initial, held.Weights());
        Assert.Equal(reference.Weights(), held.Weights());
    }

    [Theory]
    [InlineData("Adam")]
    [InlineData("AdamW")]
    public void StateSavedByTorchSharpsOptimizerResumesInOurs(string kind)
    {
        using var reference = new Regression();
        using var resumed = new Regression();
        using var torchSharps = TorchSharps(kind, reference.Parameters, 0.05, amsgrad: true);
        using var stream = new MemoryStream();
        using (var before = TorchSharps(kind, resumed.Parameters, 0.05, amsgrad: true))
        {
            for (int step = 0; step < Steps; step++)
            {
                reference.Step(torchSharps);
                resumed.Step(before);
            }
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            before.save_state_dict(writer);
        }
        stream.Position = 0;
        using var ours = Ours(kind, resumed.Parameters, 0, amsgrad: true);
        using (var reader = new BinaryReader(stream))
        {
            ours.load_state_dict(reader);
        }
        for (int step = 0; step < Steps; step++)
        {
            reference.Step(torchSharps);
            resumed.Step(ours);
        }
        Assert.Equal(reference.Weights(), resumed.Weights());
    }

    // The reference: TorchSharp's own optimizers, whose transient Scalars are what LLMCFSR101 reports.
#pragma warning disable LLMCFSR101
    private static OptimizerHelper TorchSharps(string kind, IEnumerable<Parameter> parameters, double weightDecay, bool amsgrad) => kind == "Adam"
        ? optim.Adam(parameters, 0.01, 0.9, 0.98, 1e-8, weightDecay, amsgrad)
        : optim.AdamW(parameters, 0.01, 0.9, 0.98, 1e-8, weightDecay, amsgrad);
#pragma warning restore LLMCFSR101

    private static OptimizerHelper Ours(string kind, IEnumerable<Parameter> parameters, double weightDecay, bool amsgrad) => kind == "Adam"
        ? new LlmCfsr.Training.Optimizers.Adam(parameters, 0.01, 0.9, 0.98, 1e-8, weightDecay, amsgrad)
        : new LlmCfsr.Training.Optimizers.AdamW(parameters, 0.01, 0.9, 0.98, 1e-8, weightDecay, amsgrad);

    /// <summary>A two-layer regression on fixed data; its weights and data come from a seeded System.Random, not torch's generator.</summary>
    private sealed class Regression : IDisposable
    {
        private readonly Tensor _inputs;
        private readonly Tensor _targets;

        public Regression()
        {
            var random = new Random(11);
            Tensor Values(params long[] shape) => tensor(Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).reshape(shape);
            Parameters = [nn.Parameter(Values(6, 4)), nn.Parameter(Values(4, 1))];
            _inputs = Values(16, 6);
            _targets = Values(16, 1);
        }

        public Parameter[] Parameters { get; }

        public void Step(OptimizerHelper optimizer)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var error = _inputs.matmul(Parameters[0]).tanh().matmul(Parameters[1]).sub(_targets);
            error.mul(error).mean().backward();
            optimizer.step();
        }

        public float[] Weights() => Parameters.SelectMany(p => p.detach().data<float>().ToArray()).ToArray();

        public void Dispose()
        {
            foreach (var parameter in Parameters)
            {
                parameter.Dispose();
            }
            _inputs.Dispose();
            _targets.Dispose();
        }
    }
}
