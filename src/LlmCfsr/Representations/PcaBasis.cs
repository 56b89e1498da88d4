using System.Globalization;
using System.Runtime.InteropServices;
using LlmCfsr.Embeddings;
using LlmCfsr.Storage;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Representations;

/// <summary>
/// The PCA map from LLM item embeddings [D] to a model's collaborative coordinates [d]: centre on
/// <see cref="Mean"/>, project onto <see cref="Directions"/>, multiply by <see cref="Scale"/>. Models that initialise
/// id tables by PCA build it from the training catalogue; a model bundle saves it so items added after training
/// are mapped exactly as the trained items were initialised.
/// </summary>
internal sealed class PcaBasis
{
    private const string TensorName = "pca";
    private const string ScaleKey = "scale";

    /// <summary>Creates a basis; <paramref name="directions"/> is row-major [dimensions, mean.Length].</summary>
    public PcaBasis(float[] mean, float[] directions, double scale)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(directions);
        if (mean.Length == 0 || directions.Length == 0 || directions.Length % mean.Length != 0)
        {
            throw new ArgumentException($"PCA directions of {directions.Length} values do not fit a mean of {mean.Length} columns.", nameof(directions));
        }
        Mean = mean;
        Directions = directions;
        Scale = scale;
    }

    /// <summary>Row mean of the fitted embeddings [D].</summary>
    public float[] Mean { get; }

    /// <summary>Principal directions, row-major [Dimensions, D].</summary>
    public float[] Directions { get; }

    /// <summary>Factor applied after projection (1 for plain coordinates).</summary>
    public double Scale { get; }

    /// <summary>Embedding size D.</summary>
    public int Columns => Mean.Length;

    /// <summary>Output size d.</summary>
    public int Dimensions => Directions.Length / Mean.Length;

    /// <summary>
    /// Fits the basis of <paramref name="embeddings"/> [n, D] with <paramref name="dimensions"/> directions and the
    /// scale <paramref name="scaling"/> asks for (<see cref="Models.PcaScaling.XavierRms"/>: the coordinates' RMS
    /// becomes the magnitude the backbones' id tables start at, sqrt(2 / (n + 1 + d))).
    /// </summary>
    public static PcaBasis Fit(Tensor embeddings, int dimensions, Models.PcaScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        using var scope = NewDisposeScope();
        var (mean, directions) = PrincipalComponents.Fit(embeddings, dimensions);
        double scale = 1;
        if (scaling == Models.PcaScaling.XavierRms)
        {
            var reduced = PrincipalComponents.Project(embeddings.to(ScalarType.Float64), mean, directions);
            double rms = Math.Sqrt(TensorArithmetic.Square(reduced).mean().cpu().data<double>()[0]);
            scale = Math.Sqrt(2.0 / (embeddings.shape[0] + 1 + dimensions)) / Math.Max(rms, 1e-12);
        }
        return new PcaBasis(
            mean.to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray(),
            directions.to(ScalarType.Float32, CPU).contiguous().data<float>().ToArray(),
            scale);
    }

    /// <summary>Maps rows [n, D] to [n, d] in the rows' dtype and device.</summary>
    public Tensor Project(Tensor rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.dim() != 2 || rows.shape[1] != Columns)
        {
            throw new ArgumentException($"The PCA basis maps rows of {Columns} values; got a tensor of shape [{string.Join(", ", rows.shape)}].", nameof(rows));
        }
        using var scope = NewDisposeScope();
        using var mean = tensor(Mean, [1, Columns]);
        using var directions = tensor(Directions, [Dimensions, Columns]);
        var projected = PrincipalComponents.Project(rows, mean, directions);
        using var scale = Scale.ToScalar();
        return projected.mul(scale).MoveToOuterDisposeScope();
    }

    /// <summary>Writes the basis as one safetensors matrix [d + 1, D] (row 0 the mean) with the scale in its metadata.</summary>
    public void Save(string path, AtomicFileWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        SafetensorsFile.EnsureLittleEndian();
        var metadata = new[] { KeyValuePair.Create(ScaleKey, Scale.ToString("R", CultureInfo.InvariantCulture)) };
        writer.Write(path, stream =>
        {
            stream.Write(SafetensorsFile.Header(TensorName, Dimensions + 1, Columns, metadata));
            stream.Write(MemoryMarshal.AsBytes(Mean.AsSpan()));
            stream.Write(MemoryMarshal.AsBytes(Directions.AsSpan()));
        });
    }

    /// <summary>Reads a basis written by <see cref="Save"/>; errors name the file.</summary>
    public static PcaBasis Load(string path)
    {
        var (metadata, rows, columns, dataStart) = SafetensorsFile.ReadHeader(path, TensorName);
        if (rows < 2 || !metadata.TryGetValue(ScaleKey, out var scaleText)
            || !double.TryParse(scaleText, NumberStyles.Float, CultureInfo.InvariantCulture, out double scale) || !double.IsFinite(scale))
        {
            throw new InvalidDataException($"{path}: not a PCA basis (needs a mean row, at least one direction and a finite '{ScaleKey}' in its metadata).");
        }
        var values = SafetensorsFile.ReadFloats(path, dataStart, rows * columns);
        SafetensorsFile.EnsureFinite(path, values, (int)columns, row => row == 0 ? "the mean" : $"direction {row}");
        return new PcaBasis(values[..(int)columns], values[(int)columns..], scale);
    }
}
