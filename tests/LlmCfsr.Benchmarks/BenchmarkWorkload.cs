using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using TorchSharp;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// The data the suites run on: a synthetic dataset sized like a real one (30,000 users, 20,000 items,
/// about 316,000 interactions, i.e. Amazon-5-core-like sequences of mean length 10.5) and seeded stand-in
/// LLM item embeddings for the LLM-enhanced models (their values do not change the cost, only their size does).
/// </summary>
internal static class BenchmarkWorkload
{
    public const int Users = 30_000;
    public const int Items = 20_000;
    public const double MeanSequenceLength = 316_000.0 / Users;

    /// <summary>Size of the stand-in LLM item embeddings: MiniLM's 384 (a LLaMA-2-7B table would be 4096).</summary>
    public const int LlmEmbeddingSize = 384;

    private static readonly Lazy<PreparedDataset> Full = new(() => Generate(Users, Items));

    /// <summary>The real-sized dataset, generated once per process.</summary>
    public static PreparedDataset Dataset => Full.Value;

    /// <summary>A dataset with the same statistics and <paramref name="users"/> users over <paramref name="items"/> items.</summary>
    public static PreparedDataset Generate(int users, int items) => SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions
    {
        Users = users,
        Items = items,
        Topics = 20,
        // The generator floors each exponential length draw, which loses about 0.55 items per user on average.
        MeanSequenceLength = MeanSequenceLength + 0.55,
        MaxSequenceLength = 250,
        Seed = 42,
    }).Dataset;

    /// <summary>Seeded normal item embeddings [items, <see cref="LlmEmbeddingSize"/>] in the dataset's item order.</summary>
    public static ItemEmbeddingCache ItemEmbeddings(PreparedDataset dataset)
    {
        using var scope = torch.NewDisposeScope();
        var generator = new torch.Generator(7);
        var values = torch.randn(new long[] { dataset.ItemCount, LlmEmbeddingSize }, generator: generator).data<float>().ToArray();
        var fingerprint = new ItemEmbeddingFingerprint("benchmark", "seeded-normal", EmbeddingPooling.Mean, "none", false);
        return new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, LlmEmbeddingSize, values, fingerprint);
    }

    /// <summary>
    /// Seeded normal user embeddings [users, 64] in the dataset's user order, for LLM-ESR's neighbour retrieval (the
    /// cost of distillation depends on how many distinct neighbours a batch has, not on what the vectors mean).
    /// </summary>
    public static UserEmbeddingCache UserEmbeddings(PreparedDataset dataset)
    {
        const int size = 64;
        using var scope = torch.NewDisposeScope();
        var values = torch.randn(new long[] { dataset.UserCount, size }, generator: new torch.Generator(11)).data<float>().ToArray();
        return new UserEmbeddingCache(dataset.Name, dataset.Fingerprint, dataset.UserSourceIds, size, values, "benchmark", "seeded-normal");
    }
}
