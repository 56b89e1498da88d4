using LlmCfsr.Data;

namespace LlmCfsr.Evaluation;

/// <summary>
/// Draws the sampled negatives of <see cref="EvaluationProtocolKind.Sampled"/> and
/// <see cref="EvaluationProtocolKind.Popularity"/>: N distinct items the user never interacted with (the whole
/// sequence, validation and test items included), uniformly or with probability proportional to item popularity,
/// without replacement. Each (seed, split, user) has its own random stream (<see cref="CandidateRandom"/>, keyed by the
/// user's source id), so candidates do not depend on the batch size, the order users are visited in or the other
/// users of the dataset; validation and test draw from different streams, and validation candidates are the same
/// after every epoch. Cost per user is O(sequence length + N) expected, never O(catalogue): rejection sampling
/// (uniform integers, or an alias table for popularity) against the seen set, with an exact enumeration for users
/// whose seen set is so large that rejection would be slow. See docs/evaluation.md.
/// </summary>
public sealed class EvaluationCandidateSampler
{
    private readonly PreparedDataset _data;
    private readonly long _seed;
    private readonly int _negatives;
    private readonly double[]? _weights;
    private readonly AliasTable? _alias;
    private readonly double _totalWeight;
    private readonly double _heaviestNegativesWeight;
    // _mark[item] == _stamp marks the current user's seen and drawn items; a new stamp per call clears it in O(1).
    private readonly int[] _mark;
    private int _stamp;

    /// <summary>Creates the sampler of <paramref name="protocol"/> (sampled or popularity) over <paramref name="data"/>.</summary>
    /// <param name="data">The dataset; its sequences are the seen sets.</param>
    /// <param name="protocol">A sampled protocol.</param>
    /// <param name="seed">The evaluation seed.</param>
    /// <param name="itemPopularity">Popularity per item id (index 0 unused); required by the popularity protocol.</param>
    public EvaluationCandidateSampler(PreparedDataset data, EvaluationProtocol protocol, long seed, IReadOnlyList<int>? itemPopularity = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(protocol);
        if (protocol.Kind == EvaluationProtocolKind.Full)
        {
            throw new ArgumentException("Full ranking has no sampled candidates.", nameof(protocol));
        }
        _data = data;
        _seed = seed;
        _negatives = protocol.Negatives;
        _mark = new int[data.ItemCount + 1];
        if (protocol.Kind == EvaluationProtocolKind.Popularity)
        {
            ArgumentNullException.ThrowIfNull(itemPopularity);
            if (itemPopularity.Count != data.ItemCount + 1)
            {
                throw new ArgumentException($"itemPopularity has {itemPopularity.Count} entries; expected {data.ItemCount + 1} (index 0 is padding).", nameof(itemPopularity));
            }
            _weights = itemPopularity.Select((p, i) => i == 0 ? 0.0 : p).ToArray();
            _alias = new AliasTable(_weights);
            _totalWeight = _weights.Sum();
            _heaviestNegativesWeight = _weights.OrderDescending().Take(_negatives).Sum();
        }
        CheckEveryUserHasEnoughItems();
    }

    /// <summary>Number of negatives per user.</summary>
    public int Negatives => _negatives;

    /// <summary>
    /// Writes the negatives of <paramref name="user"/> (1-based) on <paramref name="split"/> into
    /// <paramref name="negatives"/> (length <see cref="Negatives"/>), in draw order.
    /// </summary>
    /// <exception cref="ArgumentException">The user has fewer than N items to draw from.</exception>
    public void Sample(int user, DataSplit split, Span<long> negatives)
    {
        if (split == DataSplit.Training)
        {
            throw new ArgumentException("Only the validation and test splits have evaluation candidates.", nameof(split));
        }
        if (negatives.Length != _negatives)
        {
            throw new ArgumentException($"The destination holds {negatives.Length} negatives; the protocol draws {_negatives}.", nameof(negatives));
        }
        var sequence = _data.Sequences[user - 1];
        int stamp = NextStamp();
        int seen = 0;
        double seenWeight = 0;
        foreach (int item in sequence)
        {
            if (_mark[item] != stamp)
            {
                _mark[item] = stamp;
                seen++;
                seenWeight += _weights?[item] ?? 0;
            }
        }

        var random = CandidateRandom.For(_seed, (int)split, _data.UserSourceIds[user - 1]);
        if (_alias is null)
        {
            // Rejection accepts with probability at least 1/2 while seen + drawn items are at most half the catalogue.
            if (2L * (seen + _negatives) <= _data.ItemCount)
            {
                UniformByRejection(ref random, stamp, negatives);
            }
            else
            {
                UniformByEnumeration(ref random, stamp, negatives);
            }
        }
        else
        {
            // Likewise while the seen items and the N heaviest items together carry at most half the weight.
            if (2 * (seenWeight + _heaviestNegativesWeight) <= _totalWeight)
            {
                PopularityByRejection(ref random, stamp, negatives);
            }
            else
            {
                PopularityByEnumeration(ref random, stamp, negatives);
            }
        }
    }

    /// <summary>Fails before any work when some user has fewer than N items to draw from.</summary>
    private void CheckEveryUserHasEnoughItems()
    {
        int drawable = _weights is null ? _data.ItemCount : _weights.Count(w => w > 0);
        if (drawable - _data.Sequences.Select(s => s.Length).DefaultIfEmpty(0).Max() >= _negatives)
        {
            return;
        }
        for (int user = 1; user <= _data.UserCount; user++)
        {
            int stamp = NextStamp();
            int seen = 0;
            foreach (int item in _data.Sequences[user - 1])
            {
                if (_mark[item] != stamp)
                {
                    _mark[item] = stamp;
                    seen += _weights is null || _weights[item] > 0 ? 1 : 0;
                }
            }
            int available = drawable - seen;
            if (available < _negatives)
            {
                throw new ArgumentException($"User {user} ('{_data.UserSourceIds[user - 1]}') interacted with all but {available} of the {drawable} items{(_weights is null ? "" : " of positive popularity")}; cannot sample {_negatives} negatives. Use fewer negatives or the full protocol.");
            }
        }
    }

    private int NextStamp()
    {
        if (_stamp == int.MaxValue)
        {
            Array.Clear(_mark);
            _stamp = 0;
        }
        return ++_stamp;
    }

    private void UniformByRejection(ref CandidateRandom random, int stamp, Span<long> negatives)
    {
        for (int k = 0; k < negatives.Length;)
        {
            int item = 1 + random.Below(_data.ItemCount);
            if (_mark[item] != stamp)
            {
                _mark[item] = stamp;
                negatives[k++] = item;
            }
        }
    }

    /// <summary>Partial Fisher–Yates shuffle of the unseen items: exact, O(catalogue), for users who saw much of it.</summary>
    private void UniformByEnumeration(ref CandidateRandom random, int stamp, Span<long> negatives)
    {
        var unseen = Unseen(stamp);
        for (int k = 0; k < negatives.Length; k++)
        {
            int pick = k + random.Below(unseen.Count - k);
            (unseen[k], unseen[pick]) = (unseen[pick], unseen[k]);
            negatives[k] = unseen[k];
        }
    }

    /// <summary>
    /// Draws from the popularity distribution and rejects seen or already drawn items: each accepted item is
    /// a draw proportional to popularity among the items left, i.e. successive sampling without replacement.
    /// </summary>
    private void PopularityByRejection(ref CandidateRandom random, int stamp, Span<long> negatives)
    {
        for (int k = 0; k < negatives.Length;)
        {
            int item = _alias!.Draw(ref random);
            if (item != 0 && _mark[item] != stamp)
            {
                _mark[item] = stamp;
                negatives[k++] = item;
            }
        }
    }

    /// <summary>
    /// The same successive sampling without replacement, exactly, by Gumbel-top-k over the unseen items (the N
    /// largest log(weight) + Gumbel keys): O(catalogue), for users whose seen items carry much of the weight.
    /// </summary>
    private void PopularityByEnumeration(ref CandidateRandom random, int stamp, Span<long> negatives)
    {
        var unseen = Unseen(stamp).Where(item => _weights![item] > 0).ToList();
        var keys = new double[unseen.Count];
        for (int j = 0; j < keys.Length; j++)
        {
            // 1 - U is in (0, 1], so both logarithms are finite.
            keys[j] = Math.Log(_weights![unseen[j]]) - Math.Log(-Math.Log(1 - random.NextDouble()) + double.Epsilon);
        }
        var order = Enumerable.Range(0, unseen.Count).OrderByDescending(j => keys[j]).ThenBy(j => unseen[j]).Take(negatives.Length).ToArray();
        for (int k = 0; k < negatives.Length; k++)
        {
            negatives[k] = unseen[order[k]];
        }
    }

    private List<int> Unseen(int stamp)
    {
        var unseen = new List<int>(_data.ItemCount);
        for (int item = 1; item <= _data.ItemCount; item++)
        {
            if (_mark[item] != stamp)
            {
                unseen.Add(item);
            }
        }
        return unseen;
    }
}
