using LlmCfsr.Embeddings;
using LlmCfsr.Representations;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>Item tables built from LLM item embeddings, with row 0 for the padding id.</summary>
internal static class SemanticItemTables
{
    /// <summary>The embeddings as a float32 table [items + 1, d_llm], row 0 zero.</summary>
    public static Tensor Frozen(ItemEmbeddingCache embeddings) => embeddings.ToTensor(withPaddingRow: true);

    /// <summary>
    /// The embeddings reduced by PCA (mean-centred, top <paramref name="dimensions"/> principal directions) to
    /// [items + 1, d], row 0 zero, scaled as <paramref name="scaling"/> says (plain coordinates by default).
    /// </summary>
    public static Tensor Reduced(ItemEmbeddingCache embeddings, int dimensions, PcaScaling scaling = PcaScaling.None)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (dimensions > Math.Min(embeddings.ItemCount, embeddings.Dimension))
        {
            throw new ArgumentException(
                $"PCA of {embeddings.ItemCount} item embeddings of size {embeddings.Dimension} keeps at most {Math.Min(embeddings.ItemCount, embeddings.Dimension)} dimensions; the hidden size is {dimensions}.");
        }
        using var scope = NewDisposeScope();
        using var raw = embeddings.ToTensor();
        var reduced = PcaBasis.Fit(raw, dimensions, scaling).Project(raw);
        return cat([zeros(1, dimensions), reduced], 0).MoveToOuterDisposeScope();
    }
}
