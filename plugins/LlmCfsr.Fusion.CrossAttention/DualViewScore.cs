using LlmCfsr.Fusion;
using LlmCfsr.Tensors;
using TorchSharp;

namespace LlmCfsr.Fusion.CrossAttention;

/// <summary>
/// Logit-level fusion: score(u, j) = [e_se_j ; e_co_j] · [u_se ; u_co], i.e. the sum of each view's dot
/// product, computed without materialising the concatenation.
/// </summary>
internal static class DualViewScore
{
    public static torch.Tensor Compute(DualView users, DualView items)
    {
        CheckAligned(users.Semantic, items.Semantic, "semantic");
        CheckAligned(users.Collaborative, items.Collaborative, "collaborative");

        torch.Tensor? total = null;
        foreach (var (user, item) in Pairs(users, items))
        {
            var score = item.dim() switch
            {
                2 => user.matmul(item.t()),
                3 => torch.bmm(item, user.unsqueeze(-1)).squeeze(-1),
                _ => throw new ArgumentException($"Item representations must be [items, d] or [batch, candidates, d]; got {ShapeOf(item)}."),
            };
            total = total is null ? score : TensorArithmetic.PlusInPlace(total, score);
        }
        return total ?? throw new ArgumentException("Neither view is present: nothing to score.");
    }

    private static IEnumerable<(torch.Tensor User, torch.Tensor Item)> Pairs(DualView users, DualView items)
    {
        if (users.Semantic is not null) yield return (users.Semantic, items.Semantic!);
        if (users.Collaborative is not null) yield return (users.Collaborative, items.Collaborative!);
    }

    private static void CheckAligned(torch.Tensor? user, torch.Tensor? item, string view)
    {
        if ((user is null) != (item is null))
        {
            throw new ArgumentException($"The {view} view is present for {(user is null ? "items" : "users")} only; both sides need the same views.");
        }
        if (user is not null && user.dim() != 2)
        {
            throw new ArgumentException($"User representations of the {view} view must be [batch, d]; got {ShapeOf(user)}.");
        }
    }

    private static string ShapeOf(torch.Tensor tensor) => "[" + string.Join(", ", tensor.shape) + "]";
}
