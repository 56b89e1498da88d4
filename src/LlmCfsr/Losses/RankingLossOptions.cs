namespace LlmCfsr.Losses;

/// <summary>Negatives drawn per positive by the standard sampled losses; bound from "LlmCfsr:Losses".</summary>
public sealed class RankingLossOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Losses";

    /// <summary>Negatives per positive for "bce" (SASRec draws 1).</summary>
    public int BceNegatives { get; set; } = 1;

    /// <summary>Negatives per positive for "bpr".</summary>
    public int BprNegatives { get; set; } = 1;

    /// <summary>Negatives per positive for "sampled-softmax".</summary>
    public int SampledSoftmaxNegatives { get; set; } = 100;

    /// <summary>
    /// How "bce" and "bpr" draw their negatives: <see cref="NegativeDistribution.Uniform"/> (the published models') or
    /// <see cref="NegativeDistribution.Popularity"/>. "sampled-softmax" always draws uniformly: its missing log-Q
    /// correction cancels only then.
    /// </summary>
    public NegativeDistribution NegativeDistribution { get; set; } = NegativeDistribution.Uniform;
}
