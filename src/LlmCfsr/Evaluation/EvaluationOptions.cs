using LlmCfsr.Data;
using TorchSharp;

namespace LlmCfsr.Evaluation;

/// <summary>Settings of <see cref="RankingEvaluator.Evaluate"/>.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Candidate protocol; default "sampled:100".</summary>
    public EvaluationProtocol Protocol { get; init; } = EvaluationProtocol.Default;

    /// <summary>
    /// Evaluation seed of the negative sampler; default 42. Each (seed, split, user) has its own candidate stream
    /// (<see cref="EvaluationCandidateSampler"/>); keep it apart from the training seed so every model and training
    /// seed is ranked against the same candidates.
    /// </summary>
    public long Seed { get; init; } = 42;

    /// <summary>
    /// Users per batch; default 512 (docs/performance.md: at two threads full ranking of 30,000 × 20,000 ran 15 % faster
    /// than with 256). Changes no result; a full-ranking batch's scores take BatchSize × (items + 1) floats (41 MB at
    /// 20,000 items), so lower it for catalogues of millions of items.
    /// </summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// <see cref="BatchSize"/>'s default, a constant so that <see cref="Training.TrainingOptions"/> can share it without
    /// creating these options, whose <see cref="Device"/> default loads libtorch (before the CLI's thread policy is set).
    /// </summary>
    internal const int DefaultBatchSize = 512;

    /// <summary>Histories are truncated to their most recent items and left-padded with 0 to this length; default 50.</summary>
    public int MaxHistoryLength { get; init; } = 50;

    /// <summary>Device the histories, candidates and ranks live on; default CPU. The scorer must accept tensors on it.</summary>
    public torch.Device Device { get; init; } = torch.CPU;

    /// <summary>Cut-offs of HR@K and NDCG@K; default 5, 10, 20.</summary>
    public IReadOnlyList<int> Ks { get; init; } = [5, 10, 20];

    /// <summary>Long-tail group settings (Pareto by default; <see cref="LongTailOptions.LlmEsr"/> for LLM-ESR's groups).</summary>
    public LongTailOptions LongTail { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Protocol, nameof(Protocol));
        ArgumentNullException.ThrowIfNull(Device, nameof(Device));
        ArgumentNullException.ThrowIfNull(Ks, nameof(Ks));
        ArgumentNullException.ThrowIfNull(LongTail, nameof(LongTail));
        if (BatchSize < 1)
        {
            throw new ArgumentException($"BatchSize must be at least 1; got {BatchSize}.");
        }
        if (MaxHistoryLength < 1)
        {
            throw new ArgumentException($"MaxHistoryLength must be at least 1; got {MaxHistoryLength}.");
        }
        if (Ks.Count == 0 || Ks.Any(k => k < 1) || Ks.Distinct().Count() != Ks.Count)
        {
            throw new ArgumentException($"Ks must be distinct positive cut-offs; got [{string.Join(", ", Ks)}].");
        }
        LongTail.Validate();
    }
}
