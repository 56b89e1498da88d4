using LlmCfsr.Data;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Losses;

/// <summary>
/// Draws negative items from 1..ItemCount, uniformly or in proportion to their training interactions
/// (<see cref="NegativeDistribution"/>), excluding each user's own training items, as tensors: membership is a binary
/// search of user * (ItemCount + 1) + item in the sorted interaction keys, and hits are redrawn until none remain, so
/// a user's negatives follow the distribution restricted to the items they did not train on. Draws use torch's default
/// CPU generator, so the trainer's seed and saved RNG state make them repeatable.
/// </summary>
public sealed class NegativeSampler : IDisposable
{
    private const int MaxRounds = 1000;
    private readonly Tensor _keys;
    private readonly long _stride;
    private readonly int _itemCount;
    private readonly Tensor? _popularity;

    /// <summary>Indexes the training items of every user of <paramref name="dataset"/>; negatives are uniform.</summary>
    public NegativeSampler(PreparedDataset dataset)
        : this(dataset, NegativeDistribution.Uniform)
    {
    }

    /// <summary>Indexes the training items of every user of <paramref name="dataset"/>; negatives follow <paramref name="distribution"/>.</summary>
    public NegativeSampler(PreparedDataset dataset, NegativeDistribution distribution)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        _itemCount = dataset.ItemCount;
        _stride = dataset.ItemCount + 1L;
        if (!Enum.IsDefined(distribution))
        {
            throw new ArgumentOutOfRangeException(nameof(distribution), distribution, "Not a negative distribution.");
        }
        var keys = new List<long>((int)Math.Min(int.MaxValue, dataset.InteractionCount));
        var counts = new double[dataset.ItemCount + 1];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var items = dataset.TrainingSequence(user);
            var distinct = new HashSet<int>();
            foreach (var item in items)
            {
                counts[item]++;
                if (distinct.Add(item))
                {
                    keys.Add(user * _stride + item);
                }
            }
            if (distinct.Count >= dataset.ItemCount)
            {
                throw new ArgumentException($"User {user} ('{dataset.UserSourceIds[user - 1]}') has interacted with every item; no negative can be drawn.", nameof(dataset));
            }
        }
        keys.Sort();
        _keys = tensor(keys.ToArray(), dtype: ScalarType.Int64);
        // Index 0 (padding) keeps weight 0, so multinomial's draws are item ids.
        _popularity = distribution == NegativeDistribution.Popularity ? tensor(counts, dtype: ScalarType.Float64) : null;
    }

    /// <summary>
    /// <paramref name="count"/> negatives per user [n, count] (int64, on the CPU) for user ids [n]; none is
    /// an item the user trained on.
    /// </summary>
    public Tensor Sample(Tensor users, int count)
    {
        ArgumentNullException.ThrowIfNull(users);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var scope = NewDisposeScope();
        using var stride = _stride.ToScalar();
        var owners = users.to(ScalarType.Int64).cpu().unsqueeze(1).mul(stride);
        var shape = new long[] { users.shape[0], count };
        var draws = Draw(shape);
        for (int round = 0; round < MaxRounds; round++)
        {
            var hits = Owned(TensorArithmetic.Plus(owners, draws));
            if (!hits.any().item<bool>())
            {
                return draws.MoveToOuterDisposeScope();
            }
            draws = where(hits, Draw(shape), draws);
        }
        throw new InvalidOperationException($"Could not draw negatives outside the users' items in {MaxRounds} rounds; some users cover nearly the whole catalogue.");
    }

    private Tensor Draw(long[] shape) => _popularity is null
        ? randint(1, _itemCount + 1, shape, dtype: ScalarType.Int64)
        : multinomial(_popularity, shape[0] * shape[1], replacement: true).reshape(shape);

    /// <summary>Whether each key is one of the indexed (user, item) pairs.</summary>
    private Tensor Owned(Tensor keys)
    {
        if (_keys.shape[0] == 0)
        {
            return zeros_like(keys, dtype: ScalarType.Bool);
        }
        using var last = (_keys.shape[0] - 1).ToScalar();
        var at = searchsorted(_keys, keys.reshape(-1)).clamp_max(last);
        return _keys.index_select(0, at).eq(keys.reshape(-1)).reshape(keys.shape);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keys.Dispose();
        _popularity?.Dispose();
    }
}
