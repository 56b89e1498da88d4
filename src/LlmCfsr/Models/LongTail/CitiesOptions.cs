namespace LlmCfsr.Models;

/// <summary>
/// Options of CITIES (<see cref="CitiesRecommender"/>): the contexts, the few-shot sampling and the embedding-inference network.
/// Defaults are the official code's (swonj90/CITIES, config.py: windows of 24 items each side, 1..10 contexts per item, 128 items
/// per step, 2 layers of 4 heads) and the paper's Pareto split (the 20% most frequent training items are head).
/// </summary>
public sealed record CitiesOptions : BackboneModelOptions
{
    /// <summary>Items kept on each side of an occurrence in its context; 24 as the official code.</summary>
    public int ContextWindow { get; set; } = 24;

    /// <summary>A training step shows each head item 1..MaxShots of its contexts (one draw per step); 10 as the official code.</summary>
    public int MaxShots { get; set; } = 10;

    /// <summary>Head items per training step (drawn with replacement); 128 as the official code.</summary>
    public int ItemsPerStep { get; set; } = 128;

    /// <summary>Share of items, by training occurrences, that are head (trained on) rather than tail (inferred); 0.2, the Pareto rule.</summary>
    public double HeadItemShare { get; set; } = 0.2;

    /// <summary>Transformer layers of the context interpreter and of the context aggregator each; 2 as the official code.</summary>
    public int InferenceLayers { get; set; } = 2;

    /// <summary>Attention heads of those layers (must divide the hidden size); 4 as the official code.</summary>
    public int InferenceHeads { get; set; } = 4;

    /// <summary>Dropout of the inference network; 0.2 as the official code's feed-forward and residual dropout.</summary>
    public double InferenceDropout { get; set; } = 0.2;

    /// <summary>The context aggregator (self-attention across an item's contexts before their mean); false averages the interpreted contexts directly.</summary>
    public bool ContextAggregator { get; set; } = true;

    /// <inheritdoc />
    public override ModelInput Inputs => ModelInput.TeacherRun;

    /// <summary>CITIES starts from a trained id-only model on its backbone: the model registered under the backbone's name.</summary>
    public override string? TeacherModel => Backbone;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Positive($"{section}:{nameof(ContextWindow)}", ContextWindow))
        .Concat(OptionChecks.Positive($"{section}:{nameof(MaxShots)}", MaxShots))
        .Concat(OptionChecks.Positive($"{section}:{nameof(ItemsPerStep)}", ItemsPerStep))
        .Concat(HeadItemShare > 0 && HeadItemShare < 1 ? [] : [$"{section}:{nameof(HeadItemShare)} must be in (0, 1) (got {HeadItemShare})."])
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferenceLayers)}", InferenceLayers))
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferenceHeads)}", InferenceHeads))
        .Concat(OptionChecks.Probability($"{section}:{nameof(InferenceDropout)}", InferenceDropout));
}
