namespace LlmCfsr.Models;

/// <summary>
/// Options of MELT (<see cref="MeltRecommender"/>): the weights of its bilateral branches, the long-tail split of the training
/// data and the switches that remove a branch. Defaults are the official code's (rlqja1107/MELT, src/argument.py and the Amazon
/// scripts: λ_U 0.2, λ_I 0.3, Pareto 0.8).
/// </summary>
public sealed record MeltOptions : BackboneModelOptions
{
    /// <summary>Weight λ_U of the user branch's loss; 0.2 as the official default.</summary>
    public double UserBranchWeight { get; set; } = 0.2;

    /// <summary>Weight λ_I of the item branch's loss; 0.3 as the official default.</summary>
    public double ItemBranchWeight { get; set; } = 0.3;

    /// <summary>
    /// The Pareto share a: users whose training sequence is no longer than its a-quantile are tail users, and items seen more
    /// often than the (a − 0.02)-quantile of the training occurrences are head items, as the official code; 0.8 (its Amazon setting).
    /// </summary>
    public double ParetoShare { get; set; } = 0.8;

    /// <summary>The user branch (W_U: head users' recent-window states mapped to their full-history states, applied to tail users); true.</summary>
    public bool UserBranch { get; set; } = true;

    /// <summary>The item branch (W_I: head items' embeddings inferred from few of their contexts, applied to tail items every epoch); true.</summary>
    public bool ItemBranch { get; set; } = true;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.TeacherRun;

    /// <summary>MELT starts from a trained id-only model on its backbone: the model registered under the backbone's name.</summary>
    public override string? TeacherModel => Backbone;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.NonNegative($"{section}:{nameof(UserBranchWeight)}", UserBranchWeight))
        .Concat(OptionChecks.NonNegative($"{section}:{nameof(ItemBranchWeight)}", ItemBranchWeight))
        .Concat(ParetoShare > 0.02 && ParetoShare < 1 ? [] : [$"{section}:{nameof(ParetoShare)} must be in (0.02, 1) (got {ParetoShare})."]);
}
