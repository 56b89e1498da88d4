using TorchSharp;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

public sealed class NeighbourLabelAgreementTests
{
    [Fact]
    public void Agreement_matches_a_hand_worked_catalogue()
    {
        // Six items on the unit circle at 0°, 20°, 35°, 90°, 100° and 180° (item 3 is ten times longer: only the angle
        // counts). Nearest others and their labels, worked by hand:
        //   item 0 (a): 1 (a, 20°), then 2 (b, 35°)   -> nearest agrees, 1 of 2
        //   item 1 (a): 2 (b, 15°), then 0 (a, 20°)   -> no,             1 of 2
        //   item 2 (b): 1 (a, 15°), then 0 (a, 35°)   -> no,             0 of 2
        //   item 3 (b): 4 (c, 10°), then 2 (b, 55°)   -> no,             1 of 2
        // Item 4's label c is its own only and item 5 has none: neither is checked.
        double[] degrees = [0, 20, 35, 90, 100, 180];
        float[] lengths = [1, 1, 1, 10, 1, 1];
        var rows = degrees.Select((d, i) => new[] { lengths[i] * (float)Math.Cos(d * Math.PI / 180), lengths[i] * (float)Math.Sin(d * Math.PI / 180) }).ToArray();
        using var embeddings = torch.tensor(rows.SelectMany(r => r).ToArray(), new long[] { 6, 2 });

        var result = NeighbourLabelAgreement.Compute(embeddings, ["a", "a", "b", "b", "c", null], k: 2);

        Assert.Equal(6, result.Items);
        Assert.Equal(3, result.Labels);
        Assert.Equal([0, 1, 2, 3], result.Outcomes.Select(o => o.Item));
        Assert.Equal([true, false, false, false], result.Outcomes.Select(o => o.NearestAgrees));
        Assert.Equal([0.5, 0.5, 0.0, 0.5], result.Outcomes.Select(o => o.PrecisionAtK));
        Assert.Equal(0.25, result.AtOne, 12);
        Assert.Equal(0.375, result.PrecisionAtK, 12);
    }

    [Fact]
    public void Refuses_a_k_the_catalogue_cannot_fill_and_mismatched_rows()
    {
        using var embeddings = torch.eye(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => NeighbourLabelAgreement.Compute(embeddings, ["a", "a", "b"], k: 3));
        Assert.Throws<ArgumentException>(() => NeighbourLabelAgreement.Compute(embeddings, ["a", "a"], k: 1));
        Assert.Throws<ArgumentException>(() => NeighbourLabelAgreement.Compute(embeddings, ["a", "b", "c"], k: 1));
    }
}
