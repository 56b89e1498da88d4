namespace LlmCfsr.Recommendation;

/// <summary>The file names of a model bundle (docs/serving.md).</summary>
internal static class BundleFiles
{
    /// <summary>The manifest.</summary>
    public const string Manifest = BundleManifest.FileName;

    /// <summary>The trained weights (safetensors).</summary>
    public const string Weights = "model.safetensors";

    /// <summary>The item vocabulary: one JSON object per line, line i the model's item i (source id and attributes).</summary>
    public const string Items = "items.jsonl";

    /// <summary>The LLM item embeddings the model reads (a copy of the run's embedding cache).</summary>
    public const string ItemEmbeddings = "item-embeddings.safetensors";

    /// <summary>The PCA basis of the item embeddings.</summary>
    public const string PcaBasis = "pca-basis.safetensors";

    /// <summary>Every file a bundle may hold, for the checksum check (a file present but unlisted is refused).</summary>
    public static IReadOnlyList<string> All { get; } = [Manifest, Weights, Items, ItemEmbeddings, PcaBasis];
}
