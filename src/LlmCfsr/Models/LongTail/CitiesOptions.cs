using System.Text.Json;

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

    /// <summary>
    /// True (the official code): the inference network is fitted on its own first (Adam at <see cref="InferenceLearningRate"/>
    /// with a linear warm-up, epochs of |training head items| / <see cref="ItemsPerStep"/> steps) until the MSE on
    /// <see cref="HeldOutHeadShare"/> of the head items has not improved for <see cref="InferencePatience"/> epochs, and then
    /// every tail row is replaced once; the trainer's epochs, optimiser and early stopping are not used. False: the trainer paces
    /// it (one step per training batch with its optimiser, the tail rows replaced after every epoch, early stopping on
    /// validation NDCG@10).
    /// </summary>
    public bool ConvergeBeforeReplacing { get; set; } = true;

    /// <summary>Adam's learning rate for the inference network when it converges first; 1e-4 as the official code.</summary>
    public double InferenceLearningRate { get; set; } = 1e-4;

    /// <summary>Steps over which that learning rate rises linearly from 1/n of its value; 100 as the official code.</summary>
    public int InferenceWarmupSteps { get; set; } = 100;

    /// <summary>Share of the head items held out (not trained on) to tell when the inference network has converged; 0.05 as the official code.</summary>
    public double HeldOutHeadShare { get; set; } = 0.05;

    /// <summary>Epochs without a lower held-out MSE before the inference network stops; 10 as the official code.</summary>
    public int InferencePatience { get; set; } = 10;

    /// <summary>The most epochs the inference network trains for when it converges first; a guard (the official code's is 99,999).</summary>
    public int InferenceMaxEpochs { get; set; } = 10_000;

    /// <inheritdoc />
    /// <remarks>Runs recorded before <see cref="ConvergeBeforeReplacing"/> existed were paced by the trainer.</remarks>
    internal override RecommenderModelOptions WithSettingsOlderRecordsLack(JsonElement recorded)
        => recorded.ValueKind == JsonValueKind.Object
            && !recorded.EnumerateObject().Any(property => string.Equals(property.Name, nameof(ConvergeBeforeReplacing), StringComparison.OrdinalIgnoreCase))
            ? this with { ConvergeBeforeReplacing = false }
            : this;

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
        .Concat(OptionChecks.Probability($"{section}:{nameof(InferenceDropout)}", InferenceDropout))
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferenceLearningRate)}", InferenceLearningRate))
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferenceWarmupSteps)}", InferenceWarmupSteps))
        .Concat(HeldOutHeadShare > 0 && HeldOutHeadShare < 1 ? [] : [$"{section}:{nameof(HeldOutHeadShare)} must be in (0, 1) (got {HeldOutHeadShare})."])
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferencePatience)}", InferencePatience))
        .Concat(OptionChecks.Positive($"{section}:{nameof(InferenceMaxEpochs)}", InferenceMaxEpochs));
}
