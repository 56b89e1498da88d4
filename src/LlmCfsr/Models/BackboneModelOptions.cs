namespace LlmCfsr.Models;

/// <summary>Options of a model that runs on a registered backbone it names (the LLM-enhanced models).</summary>
public abstract record BackboneModelOptions : RecommenderModelOptions
{
    /// <summary>The registered backbone (sequence encoder): "sasrec" (default), "gru4rec" or "bert4rec".</summary>
    public string Backbone { get; set; } = "sasrec";

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Named($"{section}:{nameof(Backbone)}", Backbone, "sasrec"));
}
