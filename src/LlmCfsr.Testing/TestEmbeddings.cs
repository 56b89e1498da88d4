using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using static TorchSharp.torch;

namespace LlmCfsr.Testing;

/// <summary>User embeddings for tests that need LLM-ESR's user input without running an encoder over every history text.</summary>
public static class TestEmbeddings
{
    /// <summary>Seeded Gaussian user embeddings [users, <paramref name="dimension"/>] of <paramref name="dataset"/>, for tests whose outcome does not depend on what they mean.</summary>
    public static UserEmbeddingCache RandomUsers(PreparedDataset dataset, int seed, int dimension)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var generator = new Generator((ulong)seed);
        using var values = randn([dataset.UserCount, dimension], generator: generator);
        return new UserEmbeddingCache(dataset.Name, dataset.Fingerprint, dataset.UserSourceIds, dimension, values.data<float>().ToArray(), "random", "random");
    }

    /// <summary>
    /// Each user's embedding as the mean of its training items' embeddings: the same semantic signal as the text of the
    /// history, without an encoder pass per history text.
    /// </summary>
    public static UserEmbeddingCache MeanOfHistoryItems(PreparedDataset dataset, ItemEmbeddingCache items)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var table = items.ToTensor(withPaddingRow: true);
        var rows = new float[dataset.UserCount * (long)items.Dimension];
        for (int user = 1; user <= dataset.UserCount; user++)
        {
            var history = dataset.TrainingSequence(user).ToArray().Select(i => (long)i).ToArray();
            var mean = table.index_select(0, tensor(history)).mean([0]);
            mean.data<float>().ToArray().CopyTo(rows, (user - 1) * (long)items.Dimension);
        }
        return new UserEmbeddingCache(dataset.Name, dataset.Fingerprint, dataset.UserSourceIds, items.Dimension, rows, items.Fingerprint.Encoder, "mean-of-history-items");
    }
}
