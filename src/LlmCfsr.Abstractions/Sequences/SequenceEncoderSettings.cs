namespace LlmCfsr.Sequences;

/// <summary>The sizes a model asks of a backbone when it creates one; backbone-specific knobs live in the plugin's options.</summary>
public sealed record SequenceEncoderSettings
{
    /// <summary>Embedding and hidden size.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Longest sequence (positions) the backbone must accept.</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>Number of stacked blocks or recurrent layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Attention heads (attention backbones only).</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Dropout probability.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (HiddenSize <= 0) throw new ArgumentException($"HiddenSize must be positive (got {HiddenSize}).");
        if (MaxLength <= 0) throw new ArgumentException($"MaxLength must be positive (got {MaxLength}).");
        if (Layers <= 0) throw new ArgumentException($"Layers must be positive (got {Layers}).");
        if (Heads <= 0 || HiddenSize % Heads != 0) throw new ArgumentException($"Heads must be positive and divide HiddenSize {HiddenSize} (got {Heads}).");
        if (Dropout < 0 || Dropout >= 1) throw new ArgumentException($"Dropout must be in [0, 1) (got {Dropout}).");
    }
}
