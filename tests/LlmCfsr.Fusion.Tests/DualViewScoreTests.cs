using LlmCfsr.Fusion;
using LlmCfsr.Fusion.CrossAttention;
using static TorchSharp.torch;

namespace LlmCfsr.Fusion.Tests;

public class DualViewScoreTests
{
    [Fact]
    public void ScoreIsTheDotProductOfConcatenatedViews()
    {
        using var scope = NewDisposeScope();
        var fusion = new ConcatenationFusion();
        // Two users, three items; semantic d=2, collaborative d=1.
        var userSemantic = tensor(new float[] { 1, 2, 0, 1 }, 2, 2);
        var userCollaborative = tensor(new float[] { 3, -1 }, 2, 1);
        var itemSemantic = tensor(new float[] { 1, 0, 0, 1, 1, 1 }, 3, 2);
        var itemCollaborative = tensor(new float[] { 1, 2, 0 }, 3, 1);

        var scores = fusion.Score(new DualView(userSemantic, userCollaborative), new DualView(itemSemantic, itemCollaborative));

        // User 1 = [1, 2 ; 3]: items [1,0;1] -> 1+3 = 4, [0,1;2] -> 2+6 = 8, [1,1;0] -> 3.
        // User 2 = [0, 1 ; -1]: items -> 0-1 = -1, 1-2 = -1, 1+0 = 1.
        Assert.Equal(new float[] { 4, 8, 3, -1, -1, 1 }, scores.data<float>().ToArray());

        var concatenated = cat([userSemantic, userCollaborative], 1).matmul(cat([itemSemantic, itemCollaborative], 1).t());
        Assert.True(concatenated.allclose(scores));
    }

    [Fact]
    public void PerUserCandidatesMatchTheSharedTable()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var fusion = new ConcatenationFusion();
        var users = new DualView(randn(4, 3), randn(4, 3));
        var table = new DualView(randn(10, 3), randn(10, 3));
        var candidateIds = tensor(new long[] { 0, 5, 9, 1, 1, 2, 7, 7, 3, 4, 8, 6 }, 4, 3);

        var all = fusion.Score(users, table);
        var candidates = fusion.Score(users, new DualView(table.Semantic![candidateIds], table.Collaborative![candidateIds]));

        Assert.True(all.gather(1, candidateIds).allclose(candidates, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void SingleViewScoresUseOnlyThatView()
    {
        using var scope = NewDisposeScope();
        var fusion = new ConcatenationFusion();
        var users = tensor(new float[] { 1, 2 }, 1, 2);
        var items = tensor(new float[] { 3, 4 }, 1, 2);
        Assert.Equal(11f, fusion.Score(new DualView(null, users), new DualView(null, items)).item<float>());
    }

    [Fact]
    public void MismatchedViewsAreRejected()
    {
        using var scope = NewDisposeScope();
        var fusion = new ConcatenationFusion();
        var error = Assert.Throws<ArgumentException>(() => fusion.Score(new DualView(ones(1, 2), ones(1, 2)), new DualView(ones(3, 2), null)));
        Assert.Contains("collaborative view is present for users only", error.Message);
    }
}
