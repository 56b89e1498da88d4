namespace LlmCfsr.Runtime;

/// <summary>The thread policy in force: torch's intra-op thread count, where it came from, and the OpenMP wait policy.</summary>
/// <param name="Threads">torch's intra-op threads now.</param>
/// <param name="Source">Where the count came from ("requested", "LLMCFSR_THREADS", "OMP_NUM_THREADS", "automatic").</param>
/// <param name="WaitPolicy">The OpenMP wait policy and who set it.</param>
public sealed record TorchThreadSettings(int Threads, string Source, string WaitPolicy);
