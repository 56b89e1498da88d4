namespace LlmCfsr.Fusion;

/// <summary>The sizes a model asks of a fusion when it creates one.</summary>
public sealed record FusionSettings
{
    /// <summary>Size of each view's embeddings.</summary>
    public int HiddenSize { get; init; } = 64;

    /// <summary>Attention heads (attention-based fusion only).</summary>
    public int Heads { get; init; } = 1;

    /// <summary>Dropout probability (used by <see cref="ResidualNorm"/> only: the paper's attention has no dropout).</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>
    /// Attention-based fusion only: false (default) is the paper's form, where the pure attention output of one view's
    /// queries over the other view's keys/values replaces the other view's sequence; true is our residual variant,
    /// where each view keeps its own sequence as a residual, LayerNorm(S + dropout(attention)).
    /// </summary>
    public bool ResidualNorm { get; init; }

    /// <summary>
    /// Attention-based fusion only: the paper's exchange of the views, plus each view's own sequence added back (no
    /// LayerNorm): Ŝ_co = S_co + attention(S_se → S_co) and the reverse, so the encoder still sees every position's
    /// own item vectors (our variant; not with <see cref="ResidualNorm"/>).
    /// </summary>
    public bool KeepOwnSequence { get; init; }

    /// <summary>
    /// Attention-based fusion with <see cref="KeepOwnSequence"/> only: each view's attention read-out is scaled by a
    /// learned scalar started at 0 before its own sequence is added, Ŝ_co = S_co + g_co·attention(S_se → S_co), so training
    /// starts from the views side by side and learns how much of the other view to read (our variant).
    /// </summary>
    public bool GateReadout { get; init; }
}
