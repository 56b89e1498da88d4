using LlmCfsr.Data;
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
/// step) and cheap: the batch's distinct neighbours are encoded once each, sorted by history length into
/// <see cref="TeacherChunk"/>-row passes so a pass is only as wide as its longest history. Holds no parameters:
/// its tables are frozen, unsaved and follow the device of the users they are asked about.
/// </summary>
internal sealed class UserSelfDistillation : nn.Module
{
    /// <summary>Rows per no-grad teacher pass.</summary>
    internal const int TeacherChunk = 512;

    private const int SimilarityChunk = 1024;
    private readonly double _weight;
    private readonly FrozenTable _neighbours;
    private readonly FrozenTable _inputs;
    private readonly FrozenTable _lengths;

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
        var (inputs, lengths) = TrainingInputs(dataset, maxLength);
        _inputs = new FrozenTable(inputs);
        _lengths = new FrozenTable(lengths);
    }

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

    /// <summary>The mean [b, d] of each user's neighbours' states, detached: the batch's distinct neighbours encoded once each, in length-sorted passes.</summary>
    public Tensor TeacherStates(SequentialRecommender model, Tensor users)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(users);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var neighbourIds = _neighbours.On(CPU).index_select(0, users.cpu());
        var (distinct, inverseOrNull, _) = unique(neighbourIds.reshape(-1), sorted: true, return_inverse: true);
        var inverse = inverseOrNull!;
        var order = _lengths.On(CPU).index_select(0, distinct).sort(stable: true).Indices;
        var byLength = distinct.index_select(0, order);
        var inputs = _inputs.On(users.device);
        var passes = byLength.split(TeacherChunk)
            .Select(chunk => model.EncodeHistories(inputs.index_select(0, chunk.to(users.device))))
            .ToArray();
        var encoded = passes.Length == 1 ? passes[0] : cat(passes, 0);
        var states = zeros_like(encoded).index_copy_(0, order.to(encoded.device), encoded);
        var teacher = states.index_select(0, inverse.to(encoded.device)).reshape(users.shape[0], Neighbours, -1).mean([1]);
        return teacher.detach().MoveToOuterDisposeScope();
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
            var self = arange(first, end, dtype: ScalarType.Int64).unsqueeze(1);
            similarity = similarity.scatter(1, self, full(size, 1, excluded));
            chunks.Add(similarity.topk(k, dim: 1).indexes.add(one));
        }
        return cat(chunks, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Each user's training input sequence (the training items but the last), newest <paramref name="maxLength"/> items, and its length.</summary>
    private static (Tensor Inputs, Tensor Lengths) TrainingInputs(PreparedDataset dataset, int maxLength)
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
        return (tensor(rows, [dataset.UserCount + 1, maxLength]), tensor(lengths));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _neighbours.Dispose();
            _inputs.Dispose();
            _lengths.Dispose();
        }
        base.Dispose(disposing);
    }
}
