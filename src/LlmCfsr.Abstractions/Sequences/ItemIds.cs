using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Sequences;

/// <summary>The item-id conventions every sequence tensor follows: items are 1..n, and 0 pads a row.</summary>
public static class ItemIds
{
    /// <summary>The id that pads a row of item ids; never a real item.</summary>
    public const long Padding = 0;

    // A static Scalar outlives every native call that reads it (see build/analyzers, LLMCFSR100).
    private static readonly Scalar PaddingScalar = Padding;

    /// <summary>A Boolean tensor of the same shape as <paramref name="items"/>: true where a real item is.</summary>
    public static Tensor IsReal(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items.ne(PaddingScalar);
    }
}
