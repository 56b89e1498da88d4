using TorchSharp;

namespace LlmCfsr.Fusion;

/// <summary>
/// Combines the semantic and the collaborative views of a dual-view model at two levels:
/// sequence level (before the shared backbone, e.g. cross-attention between the two sequences) and
/// score level (how user and item representations of both views become one score).
/// </summary>
public interface IFusion
{
    /// <summary>The name the fusion is registered under (e.g. "cross-attention").</summary>
    string Name { get; }

    /// <summary>The module holding the fusion's parameters (it may have none).</summary>
    torch.nn.Module Module { get; }

    /// <summary>
    /// Fuses item-embedding sequences [batch, length, d] of both views; <paramref name="paddingMask"/>
    /// [batch, length] (bool) is true at real items. When the backbone is causal, <paramref name="causal"/>
    /// is true and no position may draw on later positions. Returns both fused sequences, same shapes.
    /// </summary>
    DualView FuseSequences(DualView sequences, torch.Tensor paddingMask, bool causal);

    /// <summary>
    /// Scores items for users. <paramref name="users"/> holds [batch, d] per view. <paramref name="items"/> holds
    /// either a table [items, d] shared by all users (returns [batch, items]) or per-user candidates
    /// [batch, candidates, d] (returns [batch, candidates]).
    /// </summary>
    torch.Tensor Score(DualView users, DualView items);
}
