using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// MELT (Kim, Hyun, Yun and Park, "MELT: Mutual Enhancement of Long-Tailed User and Item for Sequential Recommendation",
/// SIGIR 2023; official code github.com/rlqja1107/MELT, models/MELT_SASRec.py): an id-only model on its backbone, started from
/// a trained id-only run (the teacher), with two branches trained jointly with the next-item loss.
/// <list type="bullet">
/// <item>User branch, W_U: a head user's state after a random recent window of 1..T_U−1 items, through W_U, is pulled (MSE)
/// towards its state after its whole training window; at prediction a tail user's state s becomes s + W_U(s).</item>
/// <item>Item branch, W_I: for a head item, the mean of the states after 1..min(|C_i|, T_I) of its contexts (each state s as
/// s + W_U(s), the user branch's knowledge transfer) through W_I is pulled towards its embedding; at the start of every epoch
/// each tail item's embedding is replaced by W_I(mean of the states after all its contexts).</item>
/// <item>Curriculum: each term is weighted per user (item) by |sin(π/2 · e/E + π/(2(L − T_U − 1)) · (n − T_U − 1))|
/// (items: |sin(π/2 · e/E + π/100 · (min(n, T_I + 50) − T_I − 1))|), e the epoch from 0, E the epoch cap, n the length
/// (occurrences); the item term squares its weight with the difference, as the official code.</item>
/// </list>
/// Loss = next-item loss + λ_U · L_U + λ_I · L_I. Head users/items are split from the training sequences only
/// (<see cref="MeltOptions.ParetoShare"/>); each step takes the next slice of this epoch's shuffled head users and items, sized
/// so one epoch visits each once.
/// </summary>
public sealed class MeltRecommender : SingleViewRecommender
{
    private readonly Embedding item_embeddings;
    private readonly Linear? user_transfer;
    private readonly Linear? item_inference;
    private readonly Tensor user_threshold;
    private readonly MeltOptions _options;
    private readonly MeltBranchData? _data;
    private double _progress;
    private BranchSchedule? _users;
    private BranchSchedule? _items;

    /// <summary>Chunk size of the no-gradient passes that refresh the tail items.</summary>
    private const int RefreshChunk = 1024;

    private MeltRecommender(string name, int itemCount, int maxLength, ISequenceEncoder encoder, MeltOptions options, MeltBranchData? data)
        : base(name, itemCount, maxLength, encoder)
    {
        _options = options;
        _data = data;
        int hidden = encoder.HiddenSize;
        item_embeddings = nn.Embedding(itemCount + 1, hidden, padding_idx: 0);
        user_transfer = options.UserBranch ? nn.Linear(hidden, hidden) : null;
        item_inference = options.ItemBranch ? nn.Linear(hidden, hidden) : null;
        using (no_grad())
        {
            // Xavier-normal W_U and W_I as the official code (their biases keep libtorch's default).
            foreach (var map in new[] { user_transfer, item_inference })
            {
                if (map is not null)
                {
                    nn.init.xavier_normal_(map.weight!);
                }
            }
        }
        user_threshold = tensor(data?.UserThreshold ?? 0.0, ScalarType.Float32);
        RegisterComponents();
    }

    /// <summary>
    /// MELT registered as <paramref name="name"/>: the teacher run's item table and backbone (<see cref="RecommenderModelInputs.TeacherWeights"/>)
    /// and the branch data of <see cref="RecommenderModelInputs.TrainingData"/>. Without them (a trained model rebuilt for scoring, whose
    /// weights hold everything) it scores but cannot train.
    /// </summary>
    internal static MeltRecommender Create(string name, MeltOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        var encoder = components.SequenceEncoder(options.Backbone).Create(inputs.Backbone);
        bool trains = inputs.TeacherWeights is not null && inputs.TrainingData is not null;
        var data = trains ? new MeltBranchData(inputs.TrainingData!, inputs.Backbone.MaxLength, options.ParetoShare) : null;
        var model = new MeltRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength, encoder, options, data);
        if (!trains)
        {
            model.MarkScoringOnly(ModelInput.TeacherRun);
            return model;
        }
        TeacherStart.Copy(model, inputs.TeacherWeights!);
        return model;
    }

    /// <summary>Tail users: histories of at most this many items get the user branch's transfer at prediction.</summary>
    public double UserThreshold => user_threshold.item<float>();

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items) => item_embeddings.call(items);

    /// <inheritdoc />
    public override Tensor ScoreAllItems(Tensor states) => states.matmul(item_embeddings.weight!.t());

    /// <inheritdoc />
    /// <remarks>Tail users (histories of at most <see cref="UserThreshold"/> items) get s + W_U(s), as MELT predicts.</remarks>
    public override Tensor EncodeHistories(Tensor histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        using var scope = NewDisposeScope();
        var states = base.EncodeHistories(histories);
        if (user_transfer is null)
        {
            return states.MoveToOuterDisposeScope();
        }
        var lengths = ItemIds.IsReal(histories.to(states.device)).sum(1).to(states.dtype);
        var tail = lengths.le(user_threshold.to(states.dtype, states.device)).unsqueeze(1);
        return where(tail, TensorArithmetic.Plus(states, user_transfer.call(states)), states).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>Sets the curriculum's progress, shuffles the head users and items over the epoch's steps and replaces every tail item's embedding by W_I's inference from its contexts.</remarks>
    public override void OnEpochStarting(TrainingEpoch epoch)
    {
        ArgumentNullException.ThrowIfNull(epoch);
        if (_data is null)
        {
            return;
        }
        _progress = (epoch.Number - 1) / (double)epoch.Count;
        _users = user_transfer is null ? null : new BranchSchedule(_data.HeadUsers.Length, epoch.Steps);
        _items = item_inference is null ? null : new BranchSchedule(_data.HeadItems.Length, epoch.Steps);
        if (item_inference is not null)
        {
            RefreshTailItems(_data, item_inference);
        }
    }

    /// <inheritdoc />
    public override Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var total = base.ComputeLoss(batch, loss, negatives);
        var device = batch.Items.device;
        if (_data is not null && user_transfer is not null && _users?.Next() is { } users && _options.UserBranchWeight > 0)
        {
            using var weight = _options.UserBranchWeight.ToScalar();
            total = TensorArithmetic.Plus(total, UserBranchLoss(users, device).mul(weight));
        }
        if (_data is not null && item_inference is not null && _items?.Next() is { } items && _options.ItemBranchWeight > 0)
        {
            using var weight = _options.ItemBranchWeight.ToScalar();
            total = TensorArithmetic.Plus(total, ItemBranchLoss(items, device).mul(weight));
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>L_U over the head users at positions <paramref name="slice"/> of the head-user list.</summary>
    internal Tensor UserBranchLoss(int[] slice, Device device)
    {
        var data = _data!;
        using var scope = NewDisposeScope();
        var full = data.HeadUserWindows.index_select(0, tensor(slice.Select(k => (long)k).ToArray())).to(device);
        var kept = randint(1, data.LongestRecentWindow + 1, [slice.Length, 1], dtype: ScalarType.Int64).to(device);
        using var width = MaxLength.ToScalar();
        var columns = TensorArithmetic.Arange(width, ScalarType.Int64, device).unsqueeze(0);
        var recent = full.mul(columns.ge(TensorArithmetic.Plus(kept.neg(), width)).to(ScalarType.Int64));
        var fullStates = LastStates(full);
        var recentStates = LastStates(recent);
        var weights = tensor(slice.Select(k => (float)MeltCurriculum.UserWeight(_progress, data.HeadUserLengths[k], data.UserThreshold, MaxLength)).ToArray(), device: device)
            .to(fullStates.dtype).unsqueeze(1);
        return weights.mul(TensorArithmetic.Square(user_transfer!.call(recentStates).sub(fullStates))).mean().MoveToOuterDisposeScope();
    }

    /// <summary>L_I over the head items at positions <paramref name="slice"/> of the head-item list.</summary>
    internal Tensor ItemBranchLoss(int[] slice, Device device)
    {
        var data = _data!;
        using var scope = NewDisposeScope();
        var rows = new List<long>();
        var owners = new List<long>();
        var targets = new long[slice.Length];
        var weights = new float[slice.Length];
        for (int k = 0; k < slice.Length; k++)
        {
            int item = data.HeadItems[slice[k]];
            targets[k] = item;
            int contexts = data.Contexts.Count(item);
            // How many contexts this step shows: 1..min(|C_i|, T_I), drawn without replacement.
            long most = Math.Max(1, Math.Min(contexts, (long)Math.Floor(data.ItemThreshold)));
            long shown = randint(1, most + 1, [1], dtype: ScalarType.Int64).item<long>();
            foreach (long pick in randperm(contexts).narrow(0, 0, shown).data<long>().ToArray())
            {
                rows.Add(data.Contexts.Offsets[item] + pick);
                owners.Add(k);
            }
            weights[k] = (float)MeltCurriculum.ItemWeight(_progress, data.Occurrences[item], data.ItemThreshold);
        }
        var states = LastStates(data.Contexts.Select(tensor(rows.ToArray()), device));
        if (user_transfer is not null)
        {
            states = TensorArithmetic.Plus(states, user_transfer.call(states));
        }
        var means = SegmentMeans(states, tensor(owners.ToArray(), device: device), slice.Length);
        var difference = item_inference!.call(means).sub(item_embeddings.call(tensor(targets, device: device)));
        var weight = tensor(weights, device: device).to(difference.dtype).unsqueeze(1);
        return TensorArithmetic.Square(weight.mul(difference)).mean().MoveToOuterDisposeScope();
    }

    /// <summary>Every tail item with contexts gets W_I(mean of the states after all its contexts), in evaluation mode without gradients.</summary>
    private void RefreshTailItems(MeltBranchData data, Linear inference)
    {
        eval();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var device = Device;
        var items = data.TailItems.Where(item => data.Contexts.Count(item) > 0).ToArray();
        int start = 0;
        while (start < items.Length)
        {
            // Whole items per chunk, about RefreshChunk contexts each.
            int end = start, rows = 0;
            while (end < items.Length && (rows == 0 || rows + data.Contexts.Count(items[end]) <= RefreshChunk))
            {
                rows += data.Contexts.Count(items[end++]);
            }
            using var chunkScope = NewDisposeScope();
            var indices = new long[rows];
            var owners = new long[rows];
            for (int k = start, at = 0; k < end; k++)
            {
                for (int c = 0; c < data.Contexts.Count(items[k]); c++, at++)
                {
                    indices[at] = data.Contexts.Offsets[items[k]] + c;
                    owners[at] = k - start;
                }
            }
            var states = LastStates(data.Contexts.Select(tensor(indices), device));
            var inferred = inference.call(SegmentMeans(states, tensor(owners, device: device), end - start));
            var ids = tensor(items[start..end].Select(item => (long)item).ToArray(), device: device);
            item_embeddings.weight!.index_copy_(0, ids, inferred.to(item_embeddings.weight!.dtype));
            start = end;
        }
    }

    /// <summary>The state after the newest item of each row [n, L] (left-padded).</summary>
    private Tensor LastStates(Tensor rows)
    {
        using var scope = NewDisposeScope();
        var states = EncodeSequences(TrimPadding(rows));
        return states.select(1, states.shape[1] - 1).MoveToOuterDisposeScope();
    }

    /// <summary>The mean [groups, d] of the rows of <paramref name="values"/> [n, d] sharing an owner in <paramref name="owners"/> [n].</summary>
    private static Tensor SegmentMeans(Tensor values, Tensor owners, int groups)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var sums = zeros([groups, values.shape[1]], dtype: values.dtype, device: values.device).index_add(0, owners, values, one);
        var counts = zeros([groups], dtype: values.dtype, device: values.device).index_add(0, owners, ones_like(owners, dtype: values.dtype), one);
        return sums.div(counts.unsqueeze(1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _data?.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// One epoch's walk over a shuffled list of head users (items): slices of |list| / (steps − 1) + 1, the official loaders' batch
    /// size, so the list is spent within the epoch; once it is, the branch adds nothing.
    /// </summary>
    private sealed class BranchSchedule(int count, int steps)
    {
        private readonly long[] _order = count == 0 ? [] : randperm(count).data<long>().ToArray();
        private readonly int _size = (count / Math.Max(1, steps - 1)) + 1;
        private int _next;

        public int[]? Next()
        {
            if (_next >= _order.Length)
            {
                return null;
            }
            int take = Math.Min(_size, _order.Length - _next);
            var slice = _order.Skip(_next).Take(take).Select(k => (int)k).ToArray();
            _next += take;
            return slice;
        }
    }
}
