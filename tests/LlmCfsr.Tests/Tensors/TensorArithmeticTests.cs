using System.Diagnostics;
using LlmCfsr.Tensors;
using static TorchSharp.torch;

namespace LlmCfsr.Tests.Tensors;

/// <summary>
/// TensorArithmetic computes what TorchSharp's members compute, and its Scalars survive garbage collections that other
/// threads start during the native call (TorchSharp's own <c>a + b</c> does not: its Scalar 1 can be finalized while
/// libtorch reads it, see docs/architecture.md).
/// </summary>
public sealed class TensorArithmeticTests
{
    [Fact]
    public void ResultsAreTorchSharpsOwn()
    {
        using var scope = NewDisposeScope();
        var left = tensor(new[] { 1.5f, -2f, 0.25f, 3f });
        var right = tensor(new[] { 0.5f, 4f, -1f, 2f });
        Assert.Equal(new[] { 2f, 2f, -0.75f, 5f }, TensorArithmetic.Plus(left, right).data<float>().ToArray());
        Assert.Equal(new[] { 2.25f, 4f, 0.0625f, 9f }, TensorArithmetic.Square(left).data<float>().ToArray());
        var target = left.clone();
        Assert.Same(target, TensorArithmetic.PlusInPlace(target, right));
        Assert.Equal(new[] { 2f, 2f, -0.75f, 5f }, target.data<float>().ToArray());
    }

    [Fact]
    public void ScalarsSurviveCollectionsOnAnotherThread()
    {
        using var left = tensor(new[] { 1f, 2f, 3f, 4f });
        using var right = tensor(new[] { 10f, 20f, 30f, 40f });
        using var sum = tensor(new[] { 11f, 22f, 33f, 44f });
        using var square = tensor(new[] { 1f, 4f, 9f, 16f });
        int stop = 0;
        var collector = new Thread(() =>
        {
            while (Volatile.Read(ref stop) == 0)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        });
        collector.Start();
        long calls = 0;
        try
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromSeconds(2))
            {
                using var scope = NewDisposeScope();
                // A freed Scalar fails the native call or yields another alpha or exponent: both are caught here.
                Assert.True(TensorArithmetic.Plus(left, right).eq(sum).all().item<bool>());
                Assert.True(TensorArithmetic.PlusInPlace(left.clone(), right).eq(sum).all().item<bool>());
                Assert.True(TensorArithmetic.Square(left).eq(square).all().item<bool>());
                calls++;
            }
        }
        finally
        {
            Volatile.Write(ref stop, 1);
            collector.Join();
        }
        Assert.True(calls > 100, $"only {calls} rounds ran");
    }
}
