using LlmCfsr.Representations;
using LlmCfsr.Tensors;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.Tests;

public class PrincipalComponentsTests
{
    [Fact]
    public void RecoversKnownAxesInOrderOfVariance()
    {
        using var scope = NewDisposeScope();
        // Points spread along x with variance 9, along z with variance 4, along y with variance 1, then shifted:
        // PCA must return the coordinates along x then z (centred), up to the documented sign rule.
        var x = tensor(new double[] { -3, 3, 0, 0, 0, 0 });
        var z = tensor(new double[] { 0, 0, -2, 2, 0, 0 });
        var y = tensor(new double[] { 0, 0, 0, 0, -1, 1 });
        var points = TensorArithmetic.Plus(stack([x, y, z], 1), tensor(new double[] { 10, -5, 7 }));

        var reduced = PrincipalComponents.Reduce(points, 2);

        Assert.Equal(new long[] { 6, 2 }, reduced.shape);
        var expected = stack([x, z], 1);
        Assert.True(reduced.abs().allclose(expected.abs(), atol: 1e-9));
        // Sign rule: the largest-magnitude component of each direction is positive, so +x maps to +3.
        Assert.Equal(3.0, reduced[1, 0].item<double>(), 9);
        Assert.Equal(2.0, reduced[3, 1].item<double>(), 9);
    }

    [Fact]
    public void FullRankProjectionPreservesDistances()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var table = randn(50, 6);
        var reduced = PrincipalComponents.Reduce(table, 6);
        // An orthogonal change of basis after centring keeps every pairwise distance.
        var (a, b) = (reduced.to(ScalarType.Float64), table.to(ScalarType.Float64));
        Assert.True(cdist(a, a).allclose(cdist(b, b), atol: 1e-4));
        var variances = reduced.var(0);
        Assert.True(variances[..^1].ge(variances[1..]).all().item<bool>(), "components are not ordered by variance");
        Assert.Equal(ScalarType.Float32, reduced.dtype);
    }

    [Fact]
    public void RejectsImpossibleDimensions()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => PrincipalComponents.Reduce(ones(3, 8), 4));
        Assert.Throws<ArgumentException>(() => PrincipalComponents.Reduce(ones(3), 1));
    }
}
