namespace LlmCfsr.Models;

/// <summary>LLMEmb's recommendation-adaptation training (RAT) alignment, bound from "LlmCfsr:Models:LlmEmb"; defaults from the official code.</summary>
public sealed class LlmEmbOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Models:LlmEmb";

    /// <summary>Weight α of the alignment term added to the ranking loss; 0.01 as in the official scripts.</summary>
    public double AlignmentWeight { get; set; } = 0.01;

    /// <summary>Temperature τ of the soft-target contrastive alignment (<see cref="Losses.SoftTargetContrastiveLoss"/>); 2 as in the official scripts.</summary>
    public double Temperature { get; set; } = 2;

    /// <summary>At most this many target positions of a batch enter the alignment term (a random subset beyond), bounding its [n, n] similarity matrices; the official code uses every target.</summary>
    public int MaxAlignmentItems { get; set; } = 4096;
}
