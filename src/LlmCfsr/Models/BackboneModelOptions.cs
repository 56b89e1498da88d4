namespace LlmCfsr.Models;

/// <summary>Options of a model that runs on a registered backbone it names (the LLM-enhanced models).</summary>
public abstract record BackboneModelOptions : RecommenderModelOptions
{
    /// <summary>The registered backbone (sequence encoder): "sasrec" (default), "gru4rec" or "bert4rec".</summary>
    public string Backbone { get; set; } = "sasrec";

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(Backbone))
        {
            yield return $"{section}:{nameof(Backbone)} must name a registered backbone (e.g. 'sasrec').";
        }
    }

}
