using LlmCfsr.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLM-ESR's retrieval-augmented self-distillation. Once, at creation, every user's <c>k</c> most similar other
/// users are retrieved by cosine similarity of their user embeddings (batched matrix products, chunked over
/// users). In training, a user's representation (the model's state after its training history) is pulled by
/// an MSE towards the mean of its neighbours' representations, computed by the same model without gradients
/// (the teacher is detached). Holds no parameters: its tables are non-persistent buffers that follow the model's device.
/// </summary>
internal sealed class UserSelfDistillation : nn.Module
{
    private const int SimilarityChunk = 1024;
    private readonly double _weight;

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
        register_buffer("neighbours", SimilarUsers(userEmbeddings, Neighbours), persistent: false);
        register_buffer("histories", TrainingHistories(dataset, maxLength), persistent: false);
    }

    /// <summary>Neighbours per user (the option, capped at the number of other users).</summary>
    public int Neighbours { get; }

    /// <summary>Neighbour user ids [users + 1, k] (1-based, row 0 unused).</summary>
    public Tensor NeighbourTable => get_buffer("neighbours")!;

    /// <summary>The weighted MSE between each user's representation and the mean of its neighbours' (detached).</summary>
    public Tensor Compute(SequentialRecommender model, Tensor users)
    {
        using var scope = NewDisposeScope();
        var histories = get_buffer("histories")!;
        var ids = users.to(histories.device);
        var student = model.EncodeHistories(histories.index_select(0, ids));
        Tensor teacher;
        using (no_grad())
        {
            var neighbourIds = NeighbourTable.index_select(0, ids).reshape(-1);
            var states = model.EncodeHistories(histories.index_select(0, neighbourIds));
            teacher = states.reshape(ids.shape[0], Neighbours, -1).mean([1]).detach();
        }
        return nn.functional.mse_loss(student, teacher).mul(_weight).MoveToOuterDisposeScope();
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
            var self = arange(start, start + size, dtype: ScalarType.Int64).unsqueeze(1);
            similarity = similarity.scatter(1, self, full(size, 1, float.NegativeInfinity));
            chunks.Add(similarity.topk(k, dim: 1).indexes + 1);
        }
        return cat(chunks, 0).MoveToOuterDisposeScope();
    }

    private static Tensor TrainingHistories(PreparedDataset dataset, int maxLength)
    {
        var rows = new long[(dataset.UserCount + 1) * (long)maxLength];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var history = dataset.TrainingSequence(user);
            int length = Math.Min(history.Length, maxLength);
            long rowEnd = (long)(user + 1) * maxLength;
            for (int k = 0; k < length; k++)
            {
                // Left-padded, newest item in the last column.
                rows[rowEnd - length + k] = history[history.Length - length + k];
            }
        }
        return tensor(rows, [dataset.UserCount + 1, maxLength]);
    }
}
