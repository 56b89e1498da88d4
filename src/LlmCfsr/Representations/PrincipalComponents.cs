using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Representations;

/// <summary>
/// Principal component analysis of embedding tables, used to initialise collaborative id embeddings from
/// LLM embeddings (LLM-CFSR, LLM-ESR, SAID/LLMInit) and to reduce them to fixed inputs (LLM2X).
/// </summary>
public static class PrincipalComponents
{
    /// <summary>
    /// Projects the rows of <paramref name="embeddings"/> [n, D] onto their top <paramref name="dimensions"/>
    /// principal directions, after centring on the row mean. Returns [n, dimensions] in the input's dtype and
    /// device, ordered by decreasing variance. Signs are fixed so that each direction's largest-magnitude
    /// component is positive, making the result deterministic. Computed in float64 for accuracy.
    /// </summary>
    public static Tensor Reduce(Tensor embeddings, int dimensions)
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
        var centred = data - data.mean([0], keepdim: true);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        var directions = vh.narrow(0, 0, dimensions);

        // Sign convention (as scikit-learn's svd_flip on V): the largest |component| of each direction is positive.
        var largest = directions.abs().argmax(1, keepdim: true);
        var signs = directions.gather(1, largest).sign();
        directions = directions * signs;

        return centred.matmul(directions.t()).to(embeddings.dtype).MoveToOuterDisposeScope();
    }
}
