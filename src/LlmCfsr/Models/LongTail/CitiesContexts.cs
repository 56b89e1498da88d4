using LlmCfsr.Data;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// What CITIES trains on and infers from (training only, never saved): every occurrence of an item in a training sequence with at
/// least two neighbours gives a context of <see cref="CitiesOptions.ContextWindow"/> items before it (left-padded), its own slot
/// (masked) and as many after it (right-padded), as the official code; the head and tail items (by training occurrences, those
/// with contexts); and the teacher's pretrained item table the inference network reads and is fitted to.
/// </summary>
internal sealed class CitiesContexts : IDisposable
{
    private FrozenTable? _pretrained;

    public CitiesContexts(PreparedDataset dataset, CitiesOptions options)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int window = options.ContextWindow;
        Contexts = ItemContexts.Build(dataset.ItemCount, (2 * window) + 1,
            Enumerable.Range(1, dataset.UserCount).SelectMany(user => ContextsOf(dataset.TrainingSequence(user).ToArray(), window)));
        var occurrences = TrainingPopularity.ItemOccurrences(dataset);
        double threshold = TrainingPopularity.Quantile(occurrences.Skip(1), 1 - options.HeadItemShare);
        var withContexts = Enumerable.Range(1, dataset.ItemCount).Where(item => Contexts.Count(item) > 0).ToArray();
        var head = withContexts.Where(item => occurrences[item] > threshold).Select(item => (long)item).ToArray();
        if (head.Length == 0)
        {
            throw new ArgumentException($"CITIES found no head item with a context in '{dataset.Name}': every item is seen at most {threshold} times in training.");
        }
        HeadItems = tensor(head).DetachFromDisposeScope();
        TailItems = [.. withContexts.Where(item => occurrences[item] <= threshold)];
        Offsets = tensor(Contexts.Offsets.Select(offset => (long)offset).ToArray()).DetachFromDisposeScope();
    }

    public ItemContexts Contexts { get; }

    /// <summary>Head items with contexts (int64 [n], CPU).</summary>
    public Tensor HeadItems { get; }

    /// <summary>Tail items with contexts.</summary>
    public int[] TailItems { get; }

    /// <summary><see cref="ItemContexts.Offsets"/> as int64 [items + 2] (CPU).</summary>
    public Tensor Offsets { get; }

    /// <summary>The teacher's item table, as it was before any tail row was replaced.</summary>
    public FrozenTable PretrainedTable => _pretrained ?? throw new InvalidOperationException("The pretrained item table is not set.");

    public int ContextsOf(int item) => Contexts.Count(item);

    /// <summary>
    /// <paramref name="shots"/> contexts of each of <paramref name="items"/> (int64 [n], CPU), drawn with replacement from torch's
    /// default generator: their rows in <see cref="Contexts"/>, int64 [n, shots].
    /// </summary>
    public Tensor DrawContexts(Tensor items, long shots)
    {
        using var scope = NewDisposeScope();
        var first = Offsets.index_select(0, items);
        using var one = 1L.ToScalar();
        var counts = Offsets.index_select(0, TensorArithmetic.Plus(items, one)).sub(first);
        var draws = rand([items.shape[0], shots]).mul(counts.unsqueeze(1).to(ScalarType.Float32)).floor().to(ScalarType.Int64);
        return TensorArithmetic.Plus(first.unsqueeze(1), draws).MoveToOuterDisposeScope();
    }

    public int FirstContext(int item) => Contexts.Offsets[item];

    /// <summary>Keeps a copy of <paramref name="table"/> (the teacher's item table) as the inference network's input and target.</summary>
    public void KeepPretrainedTable(Tensor table) => _pretrained = new FrozenTable(table.detach().clone());

    internal static IEnumerable<(int Item, long[] Row)> ContextsOf(int[] sequence, int window)
    {
        for (int p = 0; p < sequence.Length; p++)
        {
            int before = Math.Min(p, window), after = Math.Min(sequence.Length - p - 1, window);
            if (before + after < 2)
            {
                continue;
            }
            var row = new long[(2 * window) + 1];
            for (int j = 0; j < before; j++)
            {
                row[window - before + j] = sequence[p - before + j];
            }
            for (int j = 0; j < after; j++)
            {
                row[window + 1 + j] = sequence[p + 1 + j];
            }
            yield return (sequence[p], row);
        }
    }

    public void Dispose()
    {
        Contexts.Dispose();
        HeadItems.Dispose();
        Offsets.Dispose();
        _pretrained?.Dispose();
    }
}
