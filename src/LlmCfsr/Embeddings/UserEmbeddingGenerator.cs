using LlmCfsr.Data;
using LlmCfsr.Encoders;

namespace LlmCfsr.Embeddings;

/// <summary>
/// Embeds every user's training history (<see cref="UserHistoryText"/>) with an <see cref="ISemanticEncoder"/>
/// into a <see cref="UserEmbeddingCache"/>, L2-normalised, for LLM-ESR's retrieval of similar users.
/// </summary>
public static class UserEmbeddingGenerator
{
    /// <summary>Encodes the users of <paramref name="dataset"/> and returns the cache (not yet saved).</summary>
    public static UserEmbeddingCache Generate(
        ISemanticEncoder encoder, PreparedDataset dataset, int maxItems = UserHistoryText.DefaultMaxItems, int batchSize = 32,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(dataset);
        var texts = UserHistoryText.RenderAll(dataset, maxItems);
        using var embeddings = encoder.Encode(texts, new SemanticEncodingOptions { BatchSize = batchSize, Normalize = true, Progress = progress }, cancellationToken);
        if (embeddings.ndim != 2 || embeddings.shape[0] != texts.Count)
        {
            throw new InvalidOperationException($"Encoder '{encoder.ModelId}' returned [{string.Join(", ", embeddings.shape)}] for {texts.Count} user texts.");
        }
        using var host = embeddings.to(TorchSharp.torch.float32).cpu().contiguous();
        return new UserEmbeddingCache(dataset.Name, dataset.Fingerprint, dataset.UserSourceIds, (int)host.shape[1], host.data<float>().ToArray(),
            encoder.Fingerprint, UserHistoryText.Describe(maxItems))
        {
            Model = encoder.ModelId,
            Adapter = encoder.Adapter ?? "none",
            FineTuned = encoder.IsFineTuned,
        };
    }
}
