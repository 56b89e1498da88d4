namespace LlmCfsr.Models;

/// <summary>
/// Settings every LLM-enhanced model shares ("llm-cfsr" and its ablations, "llm-esr", "llmemb", "llm2x",
/// "said"), bound from "LlmCfsr:Models". Sizes (hidden, layers, heads, dropout, maximum length) come from the
/// training options; method-specific knobs live in <see cref="LlmEsrOptions"/> and <see cref="LlmEmbOptions"/>.
/// </summary>
public sealed class LlmEnhancedModelOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Models";

    /// <summary>The registered backbone (sequence encoder) the models run on: "sasrec" (default), "gru4rec" or "bert4rec".</summary>
    public string Backbone { get; set; } = "sasrec";

    /// <summary>Dropout inside the semantic adapter (between its two linear layers); 0 as in LLM-ESR's adapter.</summary>
    public double AdapterDropout { get; set; }
}
