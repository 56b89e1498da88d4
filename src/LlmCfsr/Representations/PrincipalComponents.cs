using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Representations;

/// <summary>
/// Principal component analysis of embedding tables, used to initialise collaborative id embeddings from
/// LLM embeddings (LLM-CFSR, LLM-ESR, SAID/LLMInit) and to reduce them to fixed inputs (LLM2X).
/// </summary>
internal static class PrincipalComponents
{
    /// <summary>
    /// Projects the rows of <paramref name="embeddings"/> [n, D] onto their top <paramref name="dimensions"/>
    /// principal directions, after centring on the row mean. Returns [n, dimensions] in the input's dtype and
    /// device, ordered by decreasing variance. Signs are fixed so that each direction's largest-magnitude
    /// component is positive, making the result deterministic. Computed in float64 for accuracy.
    /// </summary>
    public static Tensor Reduce(Tensor embeddings, int dimensions)
    {
        using var scope = NewDisposeScope();
        var (mean, directions) = Fit(embeddings, dimensions);
        return Project(embeddings, mean, directions).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The basis <see cref="Reduce"/> projects onto: the row mean [1, D] and the top <paramref name="dimensions"/>
    /// principal directions [dimensions, D] (sign convention of <see cref="Reduce"/>), both float64 on the input's
    /// device. <see cref="Project"/> maps new rows (items added after training) into the same coordinates.
    /// </summary>
    public static (Tensor Mean, Tensor Directions) Fit(Tensor embeddings, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (embeddings.dim() != 2)
        {
            throw new ArgumentException($"PCA expects a 2-D table [n, D]; got a {embeddings.dim()}-D tensor.", nameof(embeddings));
        }
        long rows = embeddings.shape[0], columns = embeddings.shape[1];
        if (dimensions <= 0 || dimensions > Math.Min(rows, columns))
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"PCA of a [{rows}, {columns}] table can keep 1..{Math.Min(rows, columns)} components.");
        }

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var data = embeddings.to(ScalarType.Float64);
        var mean = data.mean([0], keepdim: true);
        var (_, _, vh) = linalg.svd(data - mean, fullMatrices: false);
        var directions = vh.narrow(0, 0, dimensions);

        // Sign convention (as scikit-learn's svd_flip on V): the largest |component| of each direction is positive.
        var largest = directions.abs().argmax(1, keepdim: true);
        var signs = directions.gather(1, largest).sign();
        directions = directions * signs;
        return (mean.MoveToOuterDisposeScope(), directions.contiguous().MoveToOuterDisposeScope());
    }

    /// <summary>Rows [n, D] centred on <paramref name="mean"/> and projected onto <paramref name="directions"/>: [n, d] in the rows' dtype.</summary>
    public static Tensor Project(Tensor rows, Tensor mean, Tensor directions)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(directions);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var centred = rows.to(ScalarType.Float64) - mean.to(ScalarType.Float64, rows.device);
        return centred.matmul(directions.to(ScalarType.Float64, rows.device).t()).to(rows.dtype).MoveToOuterDisposeScope();
    }
}
