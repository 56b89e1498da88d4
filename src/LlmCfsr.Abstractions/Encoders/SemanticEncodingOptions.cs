namespace LlmCfsr.Encoders;

/// <summary>Per-call settings of <see cref="ISemanticEncoder.Encode"/>.</summary>
public sealed class SemanticEncodingOptions
{
    /// <summary>Texts per forward pass. Texts are sorted by length inside the call to minimise padding.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Scale each embedding to unit L2 norm.</summary>
    public bool Normalize { get; init; }

    /// <summary>Receives the number of texts encoded so far.</summary>
    public IProgress<int>? Progress { get; init; }
}
