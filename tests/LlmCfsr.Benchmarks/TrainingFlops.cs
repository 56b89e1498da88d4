namespace LlmCfsr.Benchmarks;

/// <summary>
/// Analytic FLOP counts of one training step (forward + backward ≈ 3 × forward: the backward pass computes
/// two products, for the input and the weight gradients, per forward product). Counted are the matrix
/// products, 2 FLOPs per multiply-add; element-wise work (norms, softmax, activations) is left out. The shapes
/// are those computed: b sequences of the step's padded width L, P positions with a target.
/// </summary>
internal static class TrainingFlops
{
    /// <summary>One Transformer block over one sequence: Q, K, V, O projections, scores and weighted sum, FFN of width f·d.</summary>
    private static double Block(double length, double hidden, double feedForward)
        => 8 * length * hidden * hidden + 4 * length * length * hidden + 4 * length * hidden * feedForward * hidden;

    /// <summary>The printed formula of <paramref name="model"/>.</summary>
    public static string Formula(string model) => model switch
    {
        "sasrec" => "3·[b·n·(8Ld²+4L²d+4Ld²) + P·(1+k)·2d]",
        "bert4rec" => "3·[b·n·(8Ld²+4L²d+16Ld²) + P·2d·(N+1)]",
        "gru4rec" => "3·[R·(12n·d²+2d²) + P·(1+k)·2d], R = real positions (packed sequences skip padding)",
        "llm-cfsr" => "3·[b·L·A + 2b·(8Ld²+4L²d) + 2b·n·(8Ld²+4L²d+4Ld²) + P·(1+k)·(A+4d)], A=2(D·D/2+D/2·d)",
        _ => throw new ArgumentException($"No FLOP formula for '{model}'.", nameof(model)),
    };

    /// <summary>
    /// FLOPs of one step of <paramref name="model"/>: <paramref name="batch"/> sequences of width <paramref name="length"/>,
    /// <paramref name="targets"/> target positions, <paramref name="realPositions"/> non-padding positions, hidden d,
    /// n layers, k negatives, N items, D LLM embedding size.
    /// </summary>
    public static double Step(string model, double batch, double length, double targets, double realPositions, double hidden, double layers, double negatives, double items, double llmSize)
    {
        double forward = model switch
        {
            "sasrec" => batch * layers * Block(length, hidden, 1) + targets * (1 + negatives) * 2 * hidden,
            "bert4rec" => batch * layers * Block(length, hidden, 4) + targets * 2 * hidden * (items + 1),
            "gru4rec" => realPositions * (12 * layers * hidden * hidden + 2 * hidden * hidden) + targets * (1 + negatives) * 2 * hidden,
            "llm-cfsr" => Adapter(hidden, llmSize) * batch * length
                          + 2 * batch * (8 * length * hidden * hidden + 4 * length * length * hidden)
                          + 2 * batch * layers * Block(length, hidden, 1)
                          + targets * (1 + negatives) * (Adapter(hidden, llmSize) + 4 * hidden),
            _ => throw new ArgumentException($"No FLOP formula for '{model}'.", nameof(model)),
        };
        return 3 * forward;
    }

    /// <summary>The semantic adapter D → D/2 → d on one item.</summary>
    private static double Adapter(double hidden, double llmSize) => 2 * (llmSize * (llmSize / 2) + llmSize / 2 * hidden);
}
