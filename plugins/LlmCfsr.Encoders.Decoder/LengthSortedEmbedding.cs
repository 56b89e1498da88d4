using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Embeds the views of a CFT micro-batch in length-sorted chunks instead of one batch padded to the longest view:
/// the sequences are sorted by length, cut into chunks of at most <see cref="ChunkTokens"/> padded tokens (or one
/// sequence), each chunk is padded only to its own longest sequence, and the rows are put back in input order. All
/// chunks stay in one autograd graph, so the loss and its gradients are those of the single padded batch (pooling
/// ignores padding), while padding, and attention over it, is mostly gone: Office item views average about 100 of
/// 128 tokens, so one padded batch wastes about a fifth of its tokens.
/// </summary>
internal static class LengthSortedEmbedding
{
    /// <summary>
    /// Padded tokens per chunk: large enough that every projection multiplies at least a thousand rows (the matrix
    /// products stay efficient), small enough that a chunk holds sequences of nearly equal length.
    /// </summary>
    public const int ChunkTokens = 1024;

    /// <summary>[n, d] embeddings of <paramref name="tokens"/> in input order, with the autograd graph.</summary>
    public static Tensor Embed(ITrainableTextEncoder encoder, IReadOnlyList<int[]> tokens)
    {
        var order = Enumerable.Range(0, tokens.Count).OrderByDescending(i => tokens[i].Length).ThenBy(i => i).ToArray();
        using var scope = torch.NewDisposeScope();
        var chunks = new List<Tensor>();
        int start = 0;
        while (start < order.Length)
        {
            int longest = tokens[order[start]].Length;
            int count = Math.Max(1, Math.Min(order.Length - start, ChunkTokens / longest));
            chunks.Add(encoder.Embed(order.Skip(start).Take(count).Select(i => tokens[i]).ToList()));
            start += count;
        }
        var inverse = new long[order.Length];
        for (int position = 0; position < order.Length; position++)
        {
            inverse[order[position]] = position;
        }
        var sorted = chunks.Count == 1 ? chunks[0] : torch.cat(chunks, dim: 0);
        return sorted.index_select(0, torch.tensor(inverse, device: sorted.device)).MoveToOuterDisposeScope();
    }
}
