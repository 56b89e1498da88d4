namespace LlmCfsr.Models;

/// <summary>LLMEmb's collaborative alignment, bound from "LlmCfsr:Models:LlmEmb".</summary>
public sealed class LlmEmbOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Models:LlmEmb";

    /// <summary>Weight of the InfoNCE alignment term added to the ranking loss; 0.1 by default.</summary>
    public double AlignmentWeight { get; set; } = 0.1;

    /// <summary>Temperature of the InfoNCE term over cosine similarities; 0.2 by default.</summary>
    public double Temperature { get; set; } = 0.2;

    /// <summary>At most this many distinct items of a batch enter the alignment term (a random subset beyond), bounding its [n, n] similarity matrix.</summary>
    public int MaxAlignmentItems { get; set; } = 1024;
}
