namespace LlmCfsr.DependencyInjection;

/// <summary>
/// SDK-wide settings, bound from the "LlmCfsr" configuration section. The part names pick registered
/// plugins, so swapping a backbone or an encoder is a configuration change.
/// </summary>
public sealed class LlmCfsrOptions
{
    /// <summary>Torch device: "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>Random seed for weight initialisation, sampling and shuffling.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// CPU threads for TorchSharp while the trainer runs (the previous count is restored afterwards); 0 = automatic:
    /// the host's prepared count, LLMCFSR_THREADS, OMP_NUM_THREADS, else libtorch's own count (see <see cref="Runtime.TorchThreadPolicy"/>).
    /// </summary>
    public int Threads { get; set; }

    /// <summary>Name of the semantic encoder to use (e.g. "minilm", "llama2", "qwen25").</summary>
    public string SemanticEncoder { get; set; } = "minilm";

    /// <summary>Name of the sequence backbone (e.g. "sasrec", "gru4rec", "bert4rec").</summary>
    public string SequenceEncoder { get; set; } = "sasrec";

    /// <summary>Name of the fusion (e.g. "cross-attention", "concat").</summary>
    public string Fusion { get; set; } = "cross-attention";

    /// <summary>Name of the ranking loss (e.g. "bpr", "bce", "ce", "sampled-softmax").</summary>
    public string RankingLoss { get; set; } = "bpr";
}
