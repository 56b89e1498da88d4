namespace LlmCfsr.Recommendation;

/// <summary>
/// A read-only table of item vectors, row-major float32 [Count, Dimensions]; row r is item r of an
/// <see cref="IItemIndex"/>. The table takes ownership of its array: nobody may write to it afterwards, which is
/// what lets indexes read it from many threads without copying it.
/// </summary>
public sealed class ItemVectors
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> ([count × dimensions], row-major) without copying it.</summary>
    public ItemVectors(float[] values, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        if (values.Length % dimensions != 0)
        {
            throw new ArgumentException($"{values.Length} values do not make whole rows of {dimensions} dimensions.", nameof(values));
        }
        _values = values;
        Dimensions = dimensions;
        Count = values.Length / dimensions;
    }

    /// <summary>Number of rows (items).</summary>
    public int Count { get; }

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>Every value, row-major.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>The vector of item <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, Count);
        return _values.AsSpan(row * Dimensions, Dimensions);
    }
}
