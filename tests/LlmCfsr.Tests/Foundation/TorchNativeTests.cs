using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Tests.Foundation;

public class TorchNativeTests
{
    [Fact]
    public void MatmulAndBackwardComputeHandCheckedValues()
    {
        using var scope = NewDisposeScope();
        var a = tensor(new float[] { 1, 2, 3, 4 }, 2, 2).requires_grad_(true);
        var b = tensor(new float[] { 5, 6, 7, 8 }, 2, 2);

        var product = a.matmul(b);
        Assert.Equal(new float[] { 19, 22, 43, 50 }, product.data<float>().ToArray());

        // d(sum(A·B))/dA = 1·Bᵀ: each row of the gradient is the row sums of B.
        product.sum().backward();
        Assert.Equal(new float[] { 11, 15, 11, 15 }, a.grad!.data<float>().ToArray());
    }
}
