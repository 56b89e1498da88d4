using LlmCfsr.Data;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLM-ESR's retrieval-augmented self-distillation. Once, at creation, every user's <c>k</c> most similar other
/// users are retrieved by cosine similarity of their user embeddings (batched matrix products, chunked over
/// users). In training, a user's representation (the model's state after its training input sequence: the
/// training items but the last, which is its target) is pulled by an MSE towards the mean of its neighbours'
/// representations on their training input sequences, computed by the same model in the same mode but without
/// gradients (the teacher is detached, as in the official code). The teacher is exact (current parameters, every
/// step) and cheap: the batch's distinct neighbours are encoded once each, sorted by history length and cut into
/// passes of similar width (<see cref="TeacherPassPlan"/>), so a pass is only as wide as its longest history and a few
/// long histories do not widen hundreds of short ones. Holds no parameters:
/// its tables are frozen, unsaved and follow the device of the users they are asked about.
/// </summary>
internal sealed class UserSelfDistillation : nn.Module
{
    /// <summary>Most rows per no-grad teacher pass.</summary>
    internal const int TeacherChunk = 512;

    /// <summary>
    /// The fixed cost of one teacher pass (operator dispatch of the whole model), in encoded cells (rows × width):
    /// a further pass is worth it when it saves more padded cells than this. About 200 operators of ~10 µs against
    /// ~30 µs of one cell through LLM-ESR's two encoders at hidden 64 on one CPU thread (docs/performance.md).
    /// </summary>
    internal const long DefaultPassOverheadCells = 64;

    private const int SimilarityChunk = 1024;
    private readonly double _weight;
    private readonly FrozenTable _neighbours;
    private readonly FrozenTable _inputs;
    private readonly long[] _neighbourIds;
    private readonly long[] _lengthOf;

    public UserSelfDistillation(PreparedDataset dataset, Tensor userEmbeddings, int neighbours, int maxLength, double weight) : base(nameof(UserSelfDistillation))
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(userEmbeddings);
        if (dataset.UserCount < 2)
        {
            throw new ArgumentException("Self-distillation needs at least two users to retrieve neighbours from.", nameof(dataset));
        }
        _weight = weight;
        Neighbours = Math.Min(neighbours, dataset.UserCount - 1);
        RegisterComponents();
        _neighbours = new FrozenTable(SimilarUsers(userEmbeddings, Neighbours));
        _neighbourIds = _neighbours.On(CPU).data<long>().ToArray();
        (var inputs, _lengthOf) = TrainingInputs(dataset, maxLength);
        _inputs = new FrozenTable(inputs);
    }

    /// <summary>
    /// The cost of a teacher pass in cells for <see cref="TeacherPassPlan.Split"/>; only the benchmark changes it (a
    /// huge value gives the fewest passes: <see cref="TeacherChunk"/>-row passes at the widest history's width).
    /// </summary>
    internal long PassOverheadCells { get; set; } = DefaultPassOverheadCells;

    /// <summary>Neighbours per user (the option, capped at the number of other users).</summary>
    public int Neighbours { get; }

    /// <summary>Neighbour user ids [users + 1, k] (1-based, row 0 unused).</summary>
    public Tensor NeighbourTable => _neighbours.On(CPU);

    /// <summary>Every user's training input sequence [users + 1, maxLength] (left-padded, newest last; row 0 empty).</summary>
    public Tensor TrainingInputTable => _inputs.On(CPU);

    /// <summary>The states [b, d] of <paramref name="users"/>' training input sequences, with gradients (the student, when the batch's own states cannot stand in).</summary>
    public Tensor StudentStates(SequentialRecommender model, Tensor users)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(users);
        return model.EncodeHistories(_inputs.On(users.device).index_select(0, users));
    }

    /// <summary>The weighted MSE between the <paramref name="student"/> states [b, d] of <paramref name="users"/> and the teacher.</summary>
    public Tensor Compute(SequentialRecommender model, Tensor users, Tensor student)
    {
        ArgumentNullException.ThrowIfNull(student);
        using var scope = NewDisposeScope();
        var teacher = TeacherStates(model, users);
        using var weight = _weight.ToScalar();
        return nn.functional.mse_loss(student, teacher).mul(weight).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The mean [b, d] of each user's neighbours' states, detached: the batch's distinct neighbours encoded once each,
    /// sorted by length and cut into passes of similar width (<see cref="TeacherPassPlan"/>), so short histories are
    /// not encoded at a long neighbour's width.
    /// </summary>
    public Tensor TeacherStates(SequentialRecommender model, Tensor users)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(users);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var plan = Plan(users);
        var device = users.device;
        var inputs = _inputs.On(device);
        var sorted = tensor(plan.Rows, device: device);
        var passes = plan.Passes
            .Select(pass => model.EncodeHistories(inputs.index_select(0, sorted.narrow(0, pass.Start, pass.Count))))
            .ToArray();
        var encoded = passes.Length == 1 ? passes[0] : cat(passes, 0);
        var slots = tensor(plan.Slots, device: encoded.device);
        var teacher = encoded.index_select(0, slots).reshape(users.shape[0], Neighbours, -1).mean([1]);
        return teacher.detach().MoveToOuterDisposeScope();
    }

    /// <summary>The teacher passes for <paramref name="users"/>: rows, width (longest history) and real items of each.</summary>
    internal IReadOnlyList<(long Rows, long Width, long Items)> TeacherPasses(Tensor users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var plan = Plan(users);
        return plan.Passes
            .Select(pass => ((long)pass.Count, _lengthOf[plan.Rows[pass.Start + pass.Count - 1]],
                plan.Rows.Skip(pass.Start).Take(pass.Count).Sum(user => _lengthOf[user])))
            .ToArray();
    }

    /// <summary>
    /// The batch's distinct neighbours by ascending history length (ties by user id), the passes over that order, and
    /// for each (user, neighbour) slot of the batch the row of its neighbour in that order.
    /// </summary>
    private TeacherPassPlan Plan(Tensor users)
    {
        long[] batchUsers = users.cpu().to(ScalarType.Int64).data<long>().ToArray();
        var table = _neighbourIds;
        var slots = new long[batchUsers.Length * Neighbours];
        var distinct = new HashSet<long>();
        for (int b = 0; b < batchUsers.Length; b++)
        {
            for (int k = 0; k < Neighbours; k++)
            {
                distinct.Add(table[batchUsers[b] * Neighbours + k]);
            }
        }
        long[] rows = distinct.Order().OrderBy(user => _lengthOf[user]).ToArray();
        var rowOf = new Dictionary<long, long>(rows.Length);
        for (int row = 0; row < rows.Length; row++)
        {
            rowOf[rows[row]] = row;
        }
        for (int b = 0; b < batchUsers.Length; b++)
        {
            for (int k = 0; k < Neighbours; k++)
            {
                slots[b * Neighbours + k] = rowOf[table[batchUsers[b] * Neighbours + k]];
            }
        }
        var lengths = rows.Select(user => _lengthOf[user]).ToArray();
        return new TeacherPassPlan(rows, slots, TeacherPassPlan.Split(lengths, TeacherChunk, PassOverheadCells));
    }

    private static Tensor SimilarUsers(Tensor userEmbeddings, int k)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var normalized = nn.functional.normalize(userEmbeddings.to(ScalarType.Float32), p: 2, dim: 1);
        long users = normalized.shape[0];
        var chunks = new List<Tensor> { zeros(1, k, dtype: ScalarType.Int64) };
        for (long start = 0; start < users; start += SimilarityChunk)
        {
            long size = Math.Min(SimilarityChunk, users - start);
            var similarity = normalized.narrow(0, start, size).matmul(normalized.t());
            // A user is not its own neighbour.
            using var first = start.ToScalar();
            using var end = (start + size).ToScalar();
            using var excluded = float.NegativeInfinity.ToScalar();
            using var one = 1.ToScalar();
            var self = TensorArithmetic.Arange(first, end, ScalarType.Int64, device: null).unsqueeze(1);
            similarity = similarity.scatter(1, self, full(size, 1, excluded));
            chunks.Add(TensorArithmetic.Plus(similarity.topk(k, dim: 1).indexes, one));
        }
        return cat(chunks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Each user's training input sequence (the training items but the last), newest <paramref name="maxLength"/> items, and its length.</summary>
    private static (Tensor Inputs, long[] Lengths) TrainingInputs(PreparedDataset dataset, int maxLength)
    {
        var rows = new long[(dataset.UserCount + 1) * (long)maxLength];
        var lengths = new long[dataset.UserCount + 1];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var training = dataset.TrainingSequence(user);
            var input = training[..Math.Max(0, training.Length - 1)];
            int length = Math.Min(input.Length, maxLength);
            long rowEnd = (long)(user + 1) * maxLength;
            for (int k = 0; k < length; k++)
            {
                // Left-padded, newest item in the last column.
                rows[rowEnd - length + k] = input[input.Length - length + k];
            }
            lengths[user] = length;
        }
        return (tensor(rows, [dataset.UserCount + 1, maxLength]), lengths);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _neighbours.Dispose();
            _inputs.Dispose();
        }
        base.Dispose(disposing);
    }
}
