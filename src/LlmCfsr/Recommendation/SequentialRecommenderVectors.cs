using LlmCfsr.Models;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Recommendation;

/// <summary>
/// Adapts a trained <see cref="SequentialRecommender"/> to <see cref="IVectorScoringModel"/>: item vectors are its
/// item representations, user vectors its history states (<see cref="SequentialRecommender.EncodeHistories"/>).
/// That is the model's own scoring for every model whose fusion scores by inner product over the concatenated
/// views; the constructor checks it on a probe history against <see cref="SequentialRecommender.ScoreAll"/> and
/// refuses a model that scores otherwise. The model is switched to evaluation mode and only read afterwards
/// (no gradients, no buffers written), so concurrent calls need no lock; it must not be trained meanwhile.
/// </summary>
internal sealed class SequentialRecommenderVectors : IVectorScoringModel
{
    private const int ProbeLength = 3;

    private readonly SequentialRecommender _model;

    public SequentialRecommenderVectors(SequentialRecommender model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _model.eval();
    }

    public int ItemCount => _model.ItemCount;

    public ItemVectors ItemVectors()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var first = 1.ToScalar();
        using var end = (ItemCount + 1).ToScalar();
        var ids = TensorArithmetic.Arange(first, end, ScalarType.Int64, _model.Device);
        var table = _model.ItemRepresentations(ids).to(ScalarType.Float32, CPU).contiguous();
        var items = new ItemVectors(table.data<float>().ToArray(), checked((int)table.shape[1]));
        CheckInnerProductScoring(items);
        return items;
    }

    public float[] UserVectors(IReadOnlyList<long[]> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = _model.EncodeHistories(LeftPadded(histories)).to(ScalarType.Float32, CPU).contiguous();
        return states.data<float>().ToArray();
    }

    /// <summary>The newest <see cref="SequentialRecommender.MaxLength"/> items of each history, left-padded with 0 to a common length.</summary>
    private Tensor LeftPadded(IReadOnlyList<long[]> histories)
    {
        int length = Math.Min(_model.MaxLength, histories.Max(h => h.Length));
        var padded = new long[histories.Count * length];
        for (int i = 0; i < histories.Count; i++)
        {
            var history = histories[i];
            int keep = Math.Min(length, history.Length);
            Array.Copy(history, history.Length - keep, padded, (i * length) + length - keep, keep);
        }
        return tensor(padded, [histories.Count, length], device: _model.Device);
    }

    /// <summary>
    /// Scores of user · item must equal the model's own full-catalogue scores; a fusion with a learned or
    /// non-linear score (not an inner product) cannot be served through an item index.
    /// </summary>
    private void CheckInnerProductScoring(ItemVectors items)
    {
        var probe = Enumerable.Range(0, Math.Min(ProbeLength, ItemCount)).Select(i => (long)(i + 1)).ToArray();
        var user = UserVectors([probe]);
        float[] expected;
        using (var scope = NewDisposeScope())
        {
            var scores = _model.ScoreAll(tensor(probe, [1, probe.Length], device: _model.Device));
            expected = scores[0].narrow(0, 1, ItemCount).to(ScalarType.Float32, CPU).data<float>().ToArray();
        }
        double scale = expected.Max(Math.Abs) + 1e-6;
        for (int row = 0; row < items.Count; row++)
        {
            double actual = VectorMath.Dot(items.Row(row), user);
            if (Math.Abs(actual - expected[row]) > 1e-3 * scale)
            {
                throw new NotSupportedException(
                    $"Model '{_model.GetName()}' does not score items by the inner product of its history state and item representation " +
                    $"(item {row + 1}: {actual} vs {expected[row]}); an IRecommender over an item index needs a model that does.");
            }
        }
    }
}
