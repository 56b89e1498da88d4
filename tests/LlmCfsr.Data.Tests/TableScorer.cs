using LlmCfsr.Scoring;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Data.Tests;

/// <summary>
/// A deterministic scorer for tests: the scores of all items are row <c>lastItem</c> of a fixed table, where
/// lastItem is the newest item of the history (the last column). Records the candidates it was asked about.
/// </summary>
internal sealed class TableScorer : IItemScorer
{
    private readonly Tensor _table;

    /// <param name="table">[ItemCount + 1, ItemCount + 1]: row = newest history item, column = scored item.</param>
    /// <param name="dtype">The scores' element type (float32 unless given).</param>
    public TableScorer(float[,] table, ScalarType dtype = ScalarType.Float32)
    {
        _table = torch.tensor(table).to(dtype);
        ItemCount = table.GetLength(1) - 1;
    }

    public int ItemCount { get; }

    public List<long[,]> Candidates { get; } = [];

    public Tensor ScoreAll(Tensor histories) => _table.to(histories.device).index_select(0, histories[TensorIndex.Colon, -1]);

    public Tensor ScoreCandidates(Tensor histories, Tensor candidates)
    {
        var copy = new long[candidates.shape[0], candidates.shape[1]];
        var flat = candidates.cpu().data<long>().ToArray();
        Buffer.BlockCopy(flat, 0, copy, 0, flat.Length * sizeof(long));
        Candidates.Add(copy);
        return ScoreAll(histories).gather(1, candidates);
    }
}
