using LlmCfsr.Representations;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>Item tables built from LLM item embeddings [items + 1, d_llm], row 0 for the padding id.</summary>
internal static class SemanticItemTables
{
    /// <summary>The PCA reduction [items + 1, <paramref name="dimensions"/>] the inputs give (<see cref="RecommenderModelInputs.ReducedItemEmbeddings"/>), or null.</summary>
    public static Tensor? Given(RecommenderModelInputs inputs, int dimensions)
    {
        if (inputs.ReducedItemEmbeddings is not { } given)
        {
            return null;
        }
        if (given.ndim != 2 || given.shape[0] != inputs.ItemCount + 1 || given.shape[1] != dimensions)
        {
            throw new ArgumentException($"RecommenderModelInputs.ReducedItemEmbeddings must be [{inputs.ItemCount + 1}, {dimensions}]; got [{string.Join(", ", given.shape)}].");
        }
        return given.detach().to(ScalarType.Float32);
    }

    /// <summary>The PCA reduction the inputs give (<see cref="Given"/>), else <see cref="Reduced"/> of <paramref name="table"/>.</summary>
    public static Tensor ReducedOrGiven(RecommenderModelInputs inputs, Tensor table, int dimensions, PcaScaling scaling)
        => Given(inputs, dimensions) ?? Reduced(table, dimensions, scaling);

    /// <summary>
    /// The item rows of <paramref name="table"/> reduced by PCA (mean-centred, top <paramref name="dimensions"/> principal
    /// directions) to [items + 1, d], row 0 zero, scaled as <paramref name="scaling"/> says (plain coordinates by default).
    /// </summary>
    public static Tensor Reduced(Tensor table, int dimensions, PcaScaling scaling = PcaScaling.None)
    {
        ArgumentNullException.ThrowIfNull(table);
        long items = table.shape[0] - 1, size = table.shape[1];
        if (dimensions > Math.Min(items, size))
        {
            throw new ArgumentException(
                $"PCA of {items} item embeddings of size {size} keeps at most {Math.Min(items, size)} dimensions; the hidden size is {dimensions}.");
        }
        using var scope = NewDisposeScope();
        var reduced = PrincipalComponents.Reduce(table.narrow(0, 1, items).to(ScalarType.Float32), dimensions);
        if (scaling == PcaScaling.XavierRms)
        {
            // The magnitude the backbones' id tables start at, keeping the directions' relative variance.
            double target = Math.Sqrt(2.0 / (items + 1 + dimensions));
            using var floor = 1e-12.ToScalar();
            using var scale = target.ToScalar();
            reduced = reduced.div(reduced.square().mean().sqrt().clamp_min(floor)).mul(scale);
        }
        return cat([zeros(1, dimensions), reduced], 0).MoveToOuterDisposeScope();
    }

    /// <summary>Checks that <paramref name="table"/> has a row per item id and the padding row.</summary>
    public static Tensor Checked(Tensor table, int itemCount, string property)
    {
        if (table.ndim != 2 || table.shape[0] != itemCount + 1)
        {
            throw new ArgumentException($"RecommenderModelInputs.{property} must be [{itemCount + 1}, d] (row 0 padding); got [{string.Join(", ", table.shape)}].");
        }
        return table;
    }
}
