using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The training-sequence contexts of every item (MELT's and CITIES's C_i), grouped by item: rows of item ids [n, width]
/// (int64, on the CPU) where item i owns rows <c>Offsets[i]</c> up to <c>Offsets[i + 1]</c>. Training only: never saved.
/// </summary>
internal sealed class ItemContexts : IDisposable
{
    private ItemContexts(Tensor rows, int[] offsets)
    {
        Rows = rows.DetachFromDisposeScope();
        Offsets = offsets;
    }

    /// <summary>Every context, grouped by item [n, width].</summary>
    public Tensor Rows { get; }

    /// <summary>Where each item's rows start (index = item id, length items + 2).</summary>
    public int[] Offsets { get; }

    /// <summary>The contexts of <paramref name="item"/>.</summary>
    public int Count(int item) => Offsets[item + 1] - Offsets[item];

    /// <summary>Groups the rows <paramref name="contexts"/> yields (item, row of <paramref name="width"/> ids) by item.</summary>
    public static ItemContexts Build(int itemCount, int width, IEnumerable<(int Item, long[] Row)> contexts)
    {
        var byItem = new List<long[]>[itemCount + 1];
        foreach (var (item, row) in contexts)
        {
            (byItem[item] ??= []).Add(row);
        }
        var offsets = new int[itemCount + 2];
        for (int item = 0; item <= itemCount; item++)
        {
            offsets[item + 1] = offsets[item] + (byItem[item]?.Count ?? 0);
        }
        var flat = new long[(long)offsets[itemCount + 1] * width];
        for (int item = 0; item <= itemCount; item++)
        {
            for (int k = 0; k < (byItem[item]?.Count ?? 0); k++)
            {
                byItem[item]![k].CopyTo(flat, (long)(offsets[item] + k) * width);
            }
        }
        return new ItemContexts(tensor(flat, [offsets[itemCount + 1], width]), offsets);
    }

    /// <summary>The rows <paramref name="indices"/> (int64 [...]) on <paramref name="device"/>: [..., width].</summary>
    public Tensor Select(Tensor indices, Device device)
    {
        using var scope = NewDisposeScope();
        var rows = Rows.index_select(0, indices.reshape(-1).cpu()).reshape([.. indices.shape, Rows.shape[1]]);
        return rows.to(device).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public void Dispose() => Rows.Dispose();
}
