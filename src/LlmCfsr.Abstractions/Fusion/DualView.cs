using TorchSharp;

namespace LlmCfsr.Fusion;

/// <summary>
/// The semantic view (from LLM embeddings) and the collaborative view (from trainable id embeddings) of the
/// same thing: item sequences [batch, length, d], user states [batch, d] or item tables [items, d].
/// Either side is null when a model or an ablation uses only the other view.
/// </summary>
public readonly record struct DualView(torch.Tensor? Semantic, torch.Tensor? Collaborative)
{
    /// <summary>The views that are present, semantic first.</summary>
    public IEnumerable<torch.Tensor> Present()
    {
        if (Semantic is not null) yield return Semantic;
        if (Collaborative is not null) yield return Collaborative;
    }
}
