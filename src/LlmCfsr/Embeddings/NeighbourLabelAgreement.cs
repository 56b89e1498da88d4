using LlmCfsr.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Embeddings;

/// <summary>
/// A retrieval check of item embeddings by themselves: for every item whose label (an attribute such as
/// <c>categories</c>) another item also has, are its nearest other items by cosine similarity of the same label?
/// Reports the share whose single nearest neighbour agrees (<see cref="NeighbourAgreementResult.AtOne"/>) and the mean
/// share of agreeing items among the <c>k</c> nearest; per-item outcomes allow a paired comparison of two embeddings
/// of the same catalogue (e.g. before and after contrastive fine-tuning).
/// </summary>
public static class NeighbourLabelAgreement
{
    /// <summary>Rows of similarities computed at once: bounds memory to rows × items floats for any catalogue size.</summary>
    private const int RowsPerBlock = 1024;

    /// <summary>The label of each item of <paramref name="dataset"/> (its value of <paramref name="attribute"/>, trimmed; null when blank or missing).</summary>
    public static string?[] Labels(PreparedDataset dataset, string attribute)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(attribute);
        return dataset.ItemAttributes.Select(item => item[attribute] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null).ToArray();
    }

    /// <summary>
    /// Computes the agreement of <paramref name="embeddings"/> ([items, d], row i is item i) with <paramref name="labels"/>.
    /// Items without a label, or whose label no other item has, are not checked (they cannot agree); they still count
    /// as neighbours of others.
    /// </summary>
    /// <param name="embeddings">Item embeddings, one row per item (any scale: rows are L2-normalised here).</param>
    /// <param name="labels">One label per row, null for none.</param>
    /// <param name="k">Neighbours for the precision figure (at least 1, less than the item count).</param>
    public static NeighbourAgreementResult Compute(Tensor embeddings, IReadOnlyList<string?> labels, int k = 10)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        long items = embeddings.shape[0];
        if (embeddings.dim() != 2 || items != labels.Count)
        {
            throw new ArgumentException($"Expected one embedding row per label ({labels.Count}); got shape [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        }
        if (k < 1 || k >= items)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"k must be between 1 and the item count - 1 ({items - 1}); got {k}.");
        }
        var codes = new int[items];
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < items; i++)
        {
            codes[i] = labels[i] is { } label ? (ids.TryGetValue(label, out var id) ? id : ids[label] = ids.Count) : -1;
        }
        var sizes = new int[ids.Count];
        foreach (var code in codes.Where(c => c >= 0))
        {
            sizes[code]++;
        }

        var outcomes = new List<ItemNeighbourOutcome>();
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            using var excluded = double.NegativeInfinity.ToScalar();
            var unit = nn.functional.normalize(embeddings.to(ScalarType.Float32), p: 2, dim: 1);
            for (long start = 0; start < items; start += RowsPerBlock)
            {
                long rows = Math.Min(RowsPerBlock, items - start);
                using var block = torch.NewDisposeScope();
                var similarities = torch.matmul(unit.narrow(0, start, rows), unit.t());
                // An item is not its own neighbour.
                similarities.diagonal(offset: start).fill_(excluded);
                var nearest = similarities.topk(k, dim: 1).indexes.data<long>().ToArray();
                for (int row = 0; row < rows; row++)
                {
                    int item = (int)(start + row);
                    if (codes[item] < 0 || sizes[codes[item]] < 2)
                    {
                        continue;
                    }
                    int agreeing = 0;
                    for (int j = 0; j < k; j++)
                    {
                        agreeing += codes[nearest[row * k + j]] == codes[item] ? 1 : 0;
                    }
                    outcomes.Add(new ItemNeighbourOutcome(item, codes[nearest[row * k]] == codes[item], (double)agreeing / k));
                }
            }
        }
        if (outcomes.Count == 0)
        {
            throw new ArgumentException("No item has a label that another item shares; nothing to check.", nameof(labels));
        }
        return new NeighbourAgreementResult(
            (int)items, ids.Count, k, outcomes, outcomes.Average(o => o.NearestAgrees ? 1.0 : 0.0), outcomes.Average(o => o.PrecisionAtK));
    }
}
